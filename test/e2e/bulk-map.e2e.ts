import { afterAll, beforeAll, expect, test } from "vitest";
import {
  ADMIN,
  api,
  type E2eSession,
  eventually,
  login,
  openBrowser,
  screenshot,
} from "./support/e2e-browser.ts";
import { moduleOrganizations } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("tab 2: selects several module organizations and maps them to one target", async () => {
  const { page } = s;
  const { data: targets } = await api<{ items: { id: string; name: string }[] }>(
    page,
    "GET",
    "/organizations?isMappable=true&type=Customer&limit=5",
  );
  const target = targets.items[0];
  if (!target) throw new Error("no Customer organization");

  await page.goto("/mapping?tab=module-organizations&status=unmapped");
  await page.getByRole("tab", { name: "Map by Module Organization", selected: true }).waitFor();
  const rows = page.locator("tr[data-module-organization-id]");
  await rows.first().waitFor();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const row = rows.nth(i);
    ids.push((await row.getAttribute("data-module-organization-id")) ?? "");
    await row.getByRole("checkbox").check();
  }
  await page.getByText("3 selected").waitFor();
  await page.getByRole("button", { name: "Map selected to …" }).click();
  await page.getByRole("combobox", { name: "Autotask Organization" }).fill(target.name);
  await page.getByRole("option").filter({ hasText: target.name }).first().click();
  await page
    .getByRole("status")
    .filter({ hasText: `Mapped 3 to ${target.name}` })
    .waitFor();
  await screenshot(page, "bulk-map");

  const mapped = await eventually(async () => {
    const items = await moduleOrganizations(page, `organizationId=${target.id}&limit=500`);
    return ids.every((id) =>
      items.some((item) => item.id === id && item.mapping?.organizationId === target.id),
    );
  });
  expect(mapped).toBe(true);
  expect(s.problems).toEqual([]);
});
