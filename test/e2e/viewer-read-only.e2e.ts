import { afterAll, beforeAll, expect, test } from "vitest";
import { api, type E2eSession, login, openBrowser, screenshot, VIEWER } from "./support/e2e-browser.ts";
import { grid } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, VIEWER);
});
afterAll(async () => s?.close());

test("a viewer sees no editing controls and the API refuses writes", async () => {
  const { page } = s;
  expect(await page.getByTestId("current-role").textContent()).toBe("viewer");

  // Tab 1: cells are text, not pickers; no column chooser writes are offered as cell editors.
  await page.locator("tr[data-organization-id]").first().waitFor();
  expect(await page.getByTestId("organization-grid").locator("[aria-haspopup=listbox]").count()).toBe(0);
  await screenshot(page, "viewer-grid");

  // Tab 2: no selection, no target pickers, no exclude.
  await page.getByRole("tab", { name: "Map by Module Organization" }).click();
  await page.locator("tr[data-module-organization-id]").first().waitFor();
  const list = page.getByTestId("module-organization-list");
  expect(await list.getByRole("checkbox").count()).toBe(0);
  expect(await list.locator("[aria-haspopup=listbox]").count()).toBe(0);
  expect(await list.getByRole("button", { name: /^(Exclude|Include) / }).count()).toBe(0);

  // Organization page: the mappings are shown without Save.
  const data = await grid(page, "limit=1");
  const org = data.items[0]?.organization;
  if (!org) throw new Error("no organization");
  await page.goto(`/organizations/${org.id}?view=mappings`);
  await page.getByRole("heading", { name: `Mappings - ${org.name}` }).waitFor();
  await page.locator(".mappings-table tbody tr").first().waitFor();
  expect(await page.getByRole("button", { name: "Save", exact: true }).count()).toBe(0);
  expect(await page.locator(".mappings-table [aria-haspopup=listbox]").count()).toBe(0);
  expect(
    await page
      .getByRole("checkbox", { name: /^Ignore / })
      .first()
      .isDisabled(),
  ).toBe(true);
  await screenshot(page, "viewer-organization-page");

  // Settings and modules are read-only.
  await page.goto("/settings");
  expect(await page.getByLabel('Term for "organization"').isDisabled()).toBe(true);
  expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
  await page.goto("/modules");
  await page.getByRole("switch").first().waitFor();
  for (const toggle of await page.getByRole("switch").all()) expect(await toggle.isDisabled()).toBe(true);
  expect(await page.getByRole("button", { name: "Sync now" }).count()).toBe(0);

  // Review suggestions: the list, without accept or reject.
  await page.goto("/mapping/suggestions");
  await page.getByTestId("suggestion-list").locator("li.suggestion").first().waitFor();
  expect(await page.getByRole("button", { name: /^(Accept|Reject)/ }).count()).toBe(0);
  await screenshot(page, "viewer-review-suggestions");
  expect(
    (await api(page, "POST", "/suggestions/accept", { moduleKey: column0(data), minScore: 0.99 })).status,
  ).toBe(403);

  // And the server says no, too.
  const column = data.columns[0];
  if (!column) throw new Error("no ready module");
  const write = await api(page, "PUT", "/mapping-grid/cell", {
    organizationId: org.id,
    moduleKey: column.moduleKey,
    moduleOrganizationId: null,
  });
  expect(write.status).toBe(403);
  expect((await api(page, "PATCH", "/settings", { organizationTerm: "Client" })).status).toBe(403);
});

function column0(data: { columns: { moduleKey: string }[] }): string {
  return data.columns[0]?.moduleKey ?? "";
}
