import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, openBrowser, screenshot } from "./support/e2e-browser.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => s?.close());

test("signs in with a password and shows the user, role and navigation", async () => {
  const { page } = s;
  await page.goto("/");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  // A wrong password is refused with a message (an unknown user, so the admin's attempt budget stays whole).
  await page.getByLabel("Username").fill("nobody");
  await page.getByLabel("Password").fill("wrong-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  await screenshot(page, "login-refused");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByTestId("current-user").textContent()).toBe(ADMIN.username);
  expect(await page.getByTestId("current-role").textContent()).toBe("admin");
  for (const name of ["Mapping", "Modules", "History", "Settings"]) {
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).count()).toBe(1);
  }
  // The dashboard is the first page after sign-in (issue 9 item 7); the mapping page is one link away.
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Mapping" }).click();
  await page.getByRole("tab", { name: "Map by Organization" }).waitFor();
  await page.locator("tr[data-organization-id]").first().waitFor();
  await screenshot(page, "login-mapping-page");
  await page.getByRole("button", { name: "Account ▾", exact: true }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  expect(s.problems).toEqual([]);
});
