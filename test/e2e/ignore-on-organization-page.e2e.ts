import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { findEmptyCell } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

async function withoutMappingCount(page: E2eSession["page"], moduleKey: string): Promise<number> {
  const text = await page
    .locator(
      `[data-testid="summary-bar"] [data-module-key="${moduleKey}"] [data-testid="without-mapping-count"]`,
    )
    .textContent();
  return Number((text ?? "").replace(/[^\d]/g, ""));
}

/** The counts per module fold out of the summary's one line (remembered once open). */
async function openSummaryModules(page: E2eSession["page"]) {
  const toggle = page.getByTestId("summary-bar").getByRole("button", { name: /the \d+ modules?$/ });
  await toggle.waitFor();
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

test("Ignore on the organization page removes the pair from the worklist", async () => {
  const { page } = s;
  const { row, column } = await findEmptyCell(page, { activeCustomer: true });
  await page.goto("/mapping");
  await openSummaryModules(page);
  await page.locator(`[data-testid="summary-bar"] [data-module-key="${column.moduleKey}"]`).waitFor();
  const before = await withoutMappingCount(page, column.moduleKey);

  await page.locator("tr[data-organization-id]").first().waitFor();
  await page.getByRole("searchbox", { name: /^Search / }).fill(row.organization.name);
  await page
    .locator(`tr[data-organization-id="${row.organization.id}"]`)
    .getByRole("link", { name: row.organization.name })
    .click();
  await page.getByRole("heading", { name: row.organization.name, level: 1 }).waitFor();
  await page.getByRole("button", { name: /Tools/ }).click();
  await page.getByRole("menuitem", { name: "Manage Integrated Customer Billing" }).click();
  await page.getByRole("heading", { name: `Mappings - ${row.organization.name}` }).waitFor();
  await page.getByRole("checkbox", { name: `Ignore ${column.name}` }).check();

  // Leaving with unsaved changes asks first; stay.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Modules" }).click();
  const leave = page.getByRole("dialog", { name: "Leave this page?" });
  await leave.waitFor();
  await leave.getByRole("button", { name: "Cancel" }).click();

  await screenshot(page, "ignore-on-organization-page");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Saved the mappings" }).waitFor();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mapping" }).click();
  await openSummaryModules(page);
  await page.locator(`[data-testid="summary-bar"] [data-module-key="${column.moduleKey}"]`).waitFor();
  await page.waitForFunction(
    ({ key, expected }) => {
      const el = document.querySelector(
        `[data-testid="summary-bar"] [data-module-key="${key}"] [data-testid="without-mapping-count"]`,
      );
      return Number((el?.textContent ?? "").replace(/[^\d]/g, "")) === expected;
    },
    { key: column.moduleKey, expected: before - 1 },
  );
  expect(await withoutMappingCount(page, column.moduleKey)).toBe(before - 1);
  await screenshot(page, "ignore-worklist-count");
});
