import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("a Dead organization is never offered as a target", async () => {
  const { page } = s;
  const { data } = await api<{ items: { id: string; name: string; type: string }[] }>(
    page,
    "GET",
    "/organizations?type=Dead&limit=5",
  );
  const dead = data.items[0];
  if (!dead) throw new Error("the demo data has no Dead organization");
  expect(dead.type).toBe("Dead");
  // Search by the name's first word too, so near namesakes that are mappable still show up.
  const search = dead.name;

  // Tab 1 has no row for it.
  await page.goto("/mapping");
  await page.locator("tr[data-organization-id]").first().waitFor();
  await page.getByRole("searchbox", { name: /^Search / }).fill(search);
  await page.waitForTimeout(800);
  await page.getByText("Updating…").waitFor({ state: "detached" });
  expect(await page.locator(`tr[data-organization-id="${dead.id}"]`).count()).toBe(0);

  // Tab 2's target picker does not offer it.
  await page.getByRole("tab", { name: "Map by Module Organization" }).click();
  const firstRow = page.locator("tr[data-module-organization-id]").first();
  await firstRow.waitFor();
  await firstRow.getByRole("button", { name: /^Autotask Organization for / }).click();
  const combobox = page.getByRole("combobox", { name: "Autotask Organization" });
  await combobox.fill(search);
  await page.waitForTimeout(800);
  await page.locator(".combobox-note[role=status]").waitFor({ state: "detached" });
  const hints = await page.getByRole("option").locator(".option-hint").allTextContents();
  expect(hints.some((hint) => hint.startsWith("Dead") || hint.startsWith("Cancelation"))).toBe(false);
  await screenshot(page, "dead-never-offered");
  await combobox.press("Escape");
});
