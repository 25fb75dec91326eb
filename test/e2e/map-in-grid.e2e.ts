import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, eventually, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { findEmptyCell, moduleOrganizations, showGridRow } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("maps an unmapped module organization from a tab 1 cell with the keyboard", async () => {
  const { page } = s;
  const { row, column } = await findEmptyCell(page);
  const gridRow = await showGridRow(page, row.organization);
  const cell = gridRow.locator(`td[data-module-key="${column.moduleKey}"] button`);
  await cell.click();
  const combobox = page.getByRole("combobox", { name: `${column.name} Module Organizations` });
  await combobox.waitFor();
  await page.getByRole("option").filter({ hasText: "Unmapped" }).first().waitFor();
  const hints = await page.getByRole("option").locator(".option-hint").allTextContents();
  const index = hints.findIndex((hint) => hint.includes("Unmapped"));
  const labels = await page.getByRole("option").locator(".option-label").allTextContents();
  const chosen = labels[index]?.replace(/^↳ /, "") ?? "";
  // Nothing is pre-selected unless it is an exact match or a suggestion (issue 13): move down until
  // the unmapped option is the selected one, whatever was selected first.
  const selectedLabel = () =>
    page
      .getByRole("option", { selected: true })
      .locator(".option-label")
      .textContent({ timeout: 1000 })
      .catch(() => null);
  for (let i = 0; i <= labels.length && (await selectedLabel()) !== labels[index]; i++) {
    await combobox.press("ArrowDown");
  }
  expect(await page.getByRole("option", { selected: true }).locator(".option-label").textContent()).toBe(
    labels[index],
  );
  await combobox.press("Enter");
  await gridRow
    .locator(`td[data-module-key="${column.moduleKey}"]`)
    .getByText(chosen, { exact: true })
    .waitFor();
  await screenshot(page, "map-in-grid");
  const mapped = await eventually(async () =>
    (
      await moduleOrganizations(
        page,
        `moduleKey=${column.moduleKey}&status=mapped&search=${encodeURIComponent(chosen)}&limit=50`,
      )
    ).find((item) => item.name === chosen && item.mapping?.organizationId === row.organization.id),
  );
  expect(mapped?.mapping?.organizationId).toBe(row.organization.id);
  expect(s.problems).toEqual([]);
});
