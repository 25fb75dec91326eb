import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

/** Issue 13 points 6–8: modules, users and tokens are managed in the web app. */
let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("add a user with a one-time password, change the role, set the e-mail, reset the password, create and revoke a token", async () => {
  const { page } = s;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users and API tokens", level: 1 }).waitFor();
  const username = `e2e-user-${Date.now() % 100000}`;
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Role", { exact: true }).first().selectOption("editor");
  await page.getByRole("button", { name: "Add user" }).click();
  const added = page.getByRole("dialog", { name: `${username} added` });
  await added.waitFor();
  const password = (await added.getByTestId("secret-once").textContent()) ?? "";
  expect(password.length).toBeGreaterThanOrEqual(16);
  await added.getByRole("button", { name: "Done" }).click();

  const row = page.locator(`tr[data-username="${username}"]`);
  await row.getByRole("combobox", { name: `Role of ${username}` }).selectOption("viewer");
  await page
    .getByRole("status")
    .filter({ hasText: `${username}: viewer` })
    .waitFor();
  // Issue 11: the e-mail address single sign-on signs this user in by.
  await row.getByRole("button", { name: `Edit e-mail of ${username}` }).click();
  await row.getByRole("textbox", { name: `E-mail of ${username}` }).fill(`${username}@Example.com`);
  await row.getByRole("button", { name: `Save e-mail of ${username}` }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `${username}: ${username}@Example.com` })
    .waitFor();
  await row.getByText(`${username}@Example.com`, { exact: true }).waitFor();
  await row.getByRole("button", { name: `Reset password of ${username}` }).click();
  await page
    .getByRole("dialog", { name: `Reset the password of ${username}?` })
    .getByRole("button", { name: "Reset password" })
    .click();
  await page.getByRole("dialog", { name: `New password of ${username}` }).waitFor();
  await screenshot(page, "users-reset-password");
  await page.getByRole("button", { name: "Done" }).click();

  const tokenName = `e2e-token-${Date.now() % 100000}`;
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(tokenName);
  await page.getByRole("button", { name: "Create token" }).click();
  const created = page.getByRole("dialog", { name: `Token ${tokenName} created` });
  expect(await created.getByTestId("secret-once").textContent()).toMatch(/^omt_/);
  await created.getByRole("button", { name: "Done" }).click();
  const tokenRow = page.locator(`tr[data-token-name="${tokenName}"]`);
  await tokenRow.getByText("Never").waitFor();
  await tokenRow.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  await page
    .getByRole("dialog", { name: `Revoke the token ${tokenName}?` })
    .getByRole("button", { name: "Revoke" })
    .click();
  await tokenRow.getByText(/^Revoked /).waitFor();
});

test("add a module, pick its connector from the kinds described, see the next runs, and test the connection", async () => {
  const { page } = s;
  await page.goto("/modules");
  await page.getByRole("button", { name: "Add a module" }).click();
  const name = `E2E Files ${Date.now() % 100000}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add module" }).click();
  const card = page.locator("section.module-card").filter({ has: page.getByRole("heading", { name }) });
  await card.waitFor();
  await card.getByText("Connector and schedule").click();
  await card.getByLabel("Connector", { exact: true }).selectOption({ label: "File (CSV or JSON)" });
  await card.getByRole("textbox", { name: /^File path/ }).fill("no-such-export.csv");
  await card.getByLabel("Sync schedule").selectOption({ label: "Every day at 02:00" });
  await card.getByText(/^Next runs: .+ · .+ · .+/).waitFor();
  await card.getByRole("button", { name: "Test connection" }).click();
  await card
    .getByRole("status")
    .filter({ hasText: /^Not connected: / })
    .waitFor();
  await screenshot(page, "modules-test-connection");
});
