import { afterAll, beforeAll, expect, test } from "vitest";
import { type E2eSession, openBrowser, screenshot } from "./support/e2e-browser.ts";

/** An empty instance started without ORGMAP_ADMIN_PASSWORD: its admin signs in with the printed password. */
const FRESH_URL = process.env.ORGMAP_E2E_FRESH_URL ?? "";
const GENERATED = process.env.ORGMAP_E2E_FRESH_ADMIN_PASSWORD ?? "";
const NEW_PASSWORD = "e2e-Chosen-password-42";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser({ baseURL: FRESH_URL });
});
afterAll(async () => s?.close());

async function signIn(page: E2eSession["page"], password: string) {
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the first admin must replace the generated password before using the app", async () => {
  expect(FRESH_URL, "scripts/test-e2e.mjs starts the fresh instance").not.toBe("");
  const { page } = s;
  await page.goto("/");
  await signIn(page, GENERATED);
  const heading = page.getByRole("heading", { name: "Choose a new password" });
  await heading.waitFor();
  // Nothing else is reachable: no navigation, and a reload keeps the forced page.
  expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
  await page.reload();
  await heading.waitFor();
  expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);

  const current = page.getByLabel("Current password", { exact: true });
  const next = page.getByLabel("New password", { exact: true });
  const repeat = page.getByLabel("Repeat the new password", { exact: true });
  // Too short: refused at once, before any request.
  await current.fill(GENERATED);
  await next.fill("short");
  await repeat.fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Use at least 12 characters").waitFor();
  expect(await next.getAttribute("aria-invalid")).toBe("true");

  // A wrong current password: the server's 422 names the field, shown beside it.
  await current.fill("not-the-generated-one");
  await next.fill(NEW_PASSWORD);
  await repeat.fill(NEW_PASSWORD);
  const refused = page.waitForResponse((r) => r.url().endsWith("/api/v1/me/password"));
  await page.getByRole("button", { name: "Change password" }).click();
  expect((await refused).status()).toBe(422);
  await page.getByText(/current password is wrong/i).waitFor();
  expect(await current.getAttribute("aria-invalid")).toBe("true");
  await screenshot(page, "forced-password-change");

  await current.fill(GENERATED);
  const changed = page.waitForResponse((r) => r.url().endsWith("/api/v1/me/password"));
  await page.getByRole("button", { name: "Change password" }).click();
  expect((await changed).status()).toBe(204);
  // Every session ended: back to sign-in, with a note.
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByText("Password changed. Sign in with your new password.").waitFor();
  await screenshot(page, "forced-password-change-signed-out");

  await signIn(page, NEW_PASSWORD);
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByRole("heading", { name: "Choose a new password" }).count()).toBe(0);
  // The change stays reachable from the header's Account menu.
  await page.getByRole("button", { name: "Account ▾", exact: true }).click();
  await page.getByRole("menuitem", { name: "Change password" }).click();
  await page.getByRole("heading", { name: "Change password" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/account/password");
  await screenshot(page, "account-change-password");
  expect(s.problems).toEqual([]);
});
