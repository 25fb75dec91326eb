import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => {
  if (s) await api(s.page, "PATCH", "/settings", { organizationTerm: "Organization" });
  await s?.close();
});

test("changing the term to Customer changes the labels everywhere", async () => {
  const { page } = s;
  await page.goto("/settings");
  await page.getByLabel('Term for "organization"').selectOption("Customer");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByRole("status").filter({ hasText: "Settings saved" }).waitFor();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mapping" }).click();
  await page.getByRole("tab", { name: "Map by Customer", exact: true }).waitFor();
  expect(await page.getByRole("tab", { name: "Map by Module Customer", exact: true }).count()).toBe(1);
  expect(await page.getByRole("tab", { name: "Map by Organization" }).count()).toBe(0);
  await page.getByRole("columnheader", { name: "Autotask Customer" }).waitFor();
  await screenshot(page, "term-customer");

  await page.getByRole("tab", { name: "Map by Module Customer" }).click();
  await page.getByRole("columnheader", { name: "Module Customer", exact: true }).waitFor();
  expect(await page.getByRole("searchbox", { name: "Search module customers" }).count()).toBe(1);
});
