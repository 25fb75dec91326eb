import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestOidcProvider, type TestOidcProvider } from "../support/oidc-provider.ts";
import {
  ADMIN,
  api,
  BASE_URL,
  type E2eSession,
  login,
  openBrowser,
  screenshot,
} from "./support/e2e-browser.ts";

/**
 * Single sign-on in a real browser (issue 11): an admin sets up an OpenID provider (a local
 * `oidc-provider` started here) on the Security page; a new person clicks "Sign in with …", signs in
 * at the provider, and comes back signed in as a new user with the default role.
 */
let idp: TestOidcProvider;
let admin: E2eSession;
let person: E2eSession;
const email = `sso-e2e-${Date.now()}@example.com`;

/** axe's serious and critical violations on the page as it is. */
async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help}`);
}

beforeAll(async () => {
  idp = await startTestOidcProvider([`${BASE_URL}/auth/oidc/callback`]);
  idp.accounts.set("sso-person", { email, email_verified: true, name: "SSO Person" });
  admin = await openBrowser();
  person = await openBrowser();
});
afterAll(async () => {
  // Leave the shared server as it was: no single sign-on.
  if (admin) await api(admin.page, "DELETE", "/sso-settings").catch(() => undefined);
  await admin?.close();
  await person?.close();
  await idp?.close();
});

test("an admin sets up single sign-on; a new person signs in through the provider and is created as a viewer", async () => {
  await login(admin.page, ADMIN, "/admin/security");
  const p = admin.page;
  await p.getByRole("heading", { name: "Single sign-on (OpenID Connect)" }).waitFor();
  expect(await p.getByTestId("sso-redirect-uri").textContent()).toBe(`${BASE_URL}/auth/oidc/callback`);
  await p.getByLabel("Issuer URL").fill(idp.issuer);
  await p.getByLabel("Client id").fill(idp.clientId);
  await p.getByLabel("Client secret").fill(idp.clientSecret);
  await p.getByLabel("Button name").fill("Test IdP");
  await p.getByLabel("Role of new users").selectOption("viewer");
  await p.getByLabel("Allowed e-mail domains (optional, comma-separated)").fill("example.com");
  await p.getByRole("button", { name: "Save single sign-on" }).click();
  await p.getByText("Single sign-on with Test IdP saved").waitFor();
  await p.getByLabel("Client secret").waitFor();
  expect(await p.getByLabel("Client secret").getAttribute("placeholder")).toContain("stored");
  await screenshot(p, "sso-admin-settings");
  expect(await seriousViolations(p)).toEqual([]);

  const page = person.page;
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in with Test IdP" }).waitFor();
  await screenshot(page, "sso-login-page");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
  // oidc-provider's own sign-in form (any password).
  await page.waitForURL((url) => url.href.startsWith(idp.issuer));
  await page.locator('input[name="login"]').fill("sso-person");
  await page.locator('input[name="password"]').fill("any-password");
  await screenshot(page, "sso-provider-login");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByTestId("current-user").textContent()).toBe(email);
  expect(await page.getByTestId("current-role").textContent()).toBe("viewer");
  await screenshot(page, "sso-signed-in");

  // A refused sign-in comes back to the login page with a sentence (here: a callback without its start).
  await page.getByRole("button", { name: "Account ▾", exact: true }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.goto("/auth/oidc/callback?code=x&state=y");
  await page.getByRole("alert").filter({ hasText: "started in another browser" }).waitFor();
  expect(new URL(page.url()).search).toBe("?sso=expired");
  await page.getByRole("link", { name: "Sign in with Test IdP" }).waitFor();
  await screenshot(page, "sso-refused");
  expect(person.problems).toEqual([]);
  expect(admin.problems).toEqual([]);
});
