import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, eventually, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { findEmptyCell, moduleOrganizations, showGridRow } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("choosing a module organization mapped elsewhere asks, then moves it", async () => {
  const { page } = s;
  const { row, column } = await findEmptyCell(page);
  const [mapped] = (
    await moduleOrganizations(page, `moduleKey=${column.moduleKey}&status=mapped&limit=50`)
  ).filter((item) => item.mapping && item.mapping.organizationId !== row.organization.id);
  if (!mapped?.mapping) throw new Error("demo data has no mapped module organization");
  const from = mapped.mapping.organizationName;

  const gridRow = await showGridRow(page, row.organization);
  await gridRow.locator(`td[data-module-key="${column.moduleKey}"] button`).click();
  await page.getByRole("combobox", { name: `${column.name} Module Organizations` }).fill(mapped.name);
  const option = page
    .getByRole("option")
    .filter({ hasText: `Mapped to ${from}` })
    .first();
  await option.waitFor();
  await option.click();

  const dialog = page.getByRole("dialog", { name: /Move module organization/i });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(from);
  await screenshot(page, "move-mapping-confirm");
  await dialog.getByRole("button", { name: "Move" }).click();
  await gridRow
    .locator(`td[data-module-key="${column.moduleKey}"]`)
    .getByText(mapped.name, { exact: true })
    .waitFor();
  await page
    .getByRole("status")
    .filter({ hasText: `moved from ${from}` })
    .waitFor();
  await screenshot(page, "move-mapping-done");

  const moved = await eventually(async () =>
    (
      await moduleOrganizations(
        page,
        `moduleKey=${column.moduleKey}&search=${encodeURIComponent(mapped.name)}&limit=50`,
      )
    ).find((item) => item.id === mapped.id && item.mapping?.organizationId === row.organization.id),
  );
  expect(moved?.mapping?.organizationId).toBe(row.organization.id);
});
