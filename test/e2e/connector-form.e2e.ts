import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("the connector form renders each kind's fields from GET /connector-kinds", async () => {
  const { page } = s;
  await page.goto("/modules");
  const card = page.locator("section.module-card[data-module-key]").first();
  await card.getByText("Connector and schedule").click();

  // The demo's modules read files: the file kind's own labels, its stored path, Format as a select.
  const path = card.getByRole("textbox", { name: /^File path/ });
  await path.waitFor();
  expect(await path.inputValue()).toMatch(/\.json$/);
  expect(await card.getByLabel("Format").evaluate((el) => el.tagName)).toBe("SELECT");

  // Another kind brings its own fields; credentials are password inputs, never filled in.
  await card.getByLabel("Connector").selectOption({ label: "IT Glue" });
  const apiKey = card.getByLabel("API key");
  expect(await apiKey.getAttribute("type")).toBe("password");
  expect(await apiKey.inputValue()).toBe("");
  expect(await card.getByLabel("Base URL").getAttribute("placeholder")).toBe("https://api.itglue.com");
  expect(await card.getByRole("textbox", { name: /^File path/ }).count()).toBe(0);
  await screenshot(page, "connector-form-itglue");

  // The PSA offers the PSA's kinds only.
  const psa = page.locator("section.module-card", { has: page.locator("#psa-title") });
  await psa.getByText("Connector and schedule").click();
  const options = await psa.getByLabel("Connector").locator("option").allTextContents();
  expect(options).toContain("Autotask");
  expect(options).not.toContain("IT Glue");
  expect(s.problems).toEqual([]);
});
