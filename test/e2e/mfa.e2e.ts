import { generate } from "otplib";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

/**
 * MFA in a real browser (issue 11): enrol with a TOTP computed from the key the page shows, sign out,
 * sign in with a code and then with a recovery code, and an admin resets the user's MFA on the
 * Security page.
 */
let admin: E2eSession;
let user: E2eSession;
const who = { username: `mfa-e2e-${Date.now()}`, password: "e2e-Mfa-user-password-1" };

beforeAll(async () => {
  admin = await openBrowser();
  user = await openBrowser();
  await login(admin.page, ADMIN);
  const created = await api(admin.page, "POST", "/users", { ...who, role: "editor" });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await admin?.close();
  await user?.close();
});

/** The code of `secret` `stepsAhead` periods from now (a code is accepted once, so each use takes a newer one). */
const codeOf = (secret: string, stepsAhead: number) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

async function signOut(s: E2eSession) {
  await s.page.getByRole("button", { name: "Account ▾", exact: true }).click();
  await s.page.getByRole("menuitem", { name: "Sign out" }).click();
  await s.page.getByRole("heading", { name: "Sign in" }).waitFor();
}

async function passwordStep(s: E2eSession) {
  await s.page.getByLabel("Username").fill(who.username);
  await s.page.getByLabel("Password").fill(who.password);
  await s.page.getByRole("button", { name: "Sign in" }).click();
  await s.page.getByRole("heading", { name: "Enter your code" }).waitFor();
}

test("enrols with a QR code and a computed TOTP, then signs in with a code and with a recovery code; an admin resets it", async () => {
  const { page } = user;
  await login(page, who, "/account/mfa");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await screenshot(page, "mfa-enrol-qr");
  await page.getByLabel("Code from the app").fill(await codeOf(secret, 0));
  await page.getByRole("button", { name: "Turn on" }).click();
  await page.getByTestId("recovery-codes").waitFor();
  const recoveryCodes = (await page.getByTestId("recovery-codes").locator("code").allTextContents()).map(
    (c) => c.trim(),
  );
  expect(recoveryCodes).toHaveLength(10);
  expect(await page.getByTestId("mfa-status").textContent()).toContain("MFA is on (10 recovery codes left)");
  await screenshot(page, "mfa-recovery-codes");

  // Signed out, the password alone is not enough: the code step follows.
  await signOut(user);
  await passwordStep(user);
  await screenshot(page, "mfa-code-step");
  await page.getByRole("textbox", { name: "Code", exact: true }).fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(await codeOf(secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByTestId("current-user").waitFor();
  expect(await page.getByTestId("current-user").textContent()).toBe(who.username);

  // A recovery code signs in once.
  await signOut(user);
  await passwordStep(user);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByTestId("current-user").waitFor();
  await page.goto("/account/mfa");
  await page.getByTestId("mfa-status").waitFor();
  expect(await page.getByTestId("mfa-status").textContent()).toContain("9 recovery codes left");
  // The MFA page offers new recovery codes and turning MFA off, each with a current code.
  await page.getByRole("button", { name: "New recovery codes" }).waitFor();
  await page.getByRole("button", { name: "Turn MFA off" }).waitFor();
  await screenshot(page, "mfa-manage");

  // The admin resets the user's MFA (lost phone) on the Security page: the user is signed out.
  await admin.page.goto("/admin/security");
  await admin.page.getByRole("heading", { name: "Reset a user's MFA" }).waitFor();
  await admin.page.locator('select[name="mfaResetUser"]').selectOption({ label: who.username });
  await admin.page.getByRole("button", { name: "Reset MFA" }).click();
  await admin.page.getByRole("dialog").getByRole("button", { name: "Reset MFA" }).click();
  await admin.page.getByText(`MFA of ${who.username} reset`).waitFor();
  await screenshot(admin.page, "mfa-admin-reset");
  const status = await api<{ user: unknown }>(page, "GET", "/session");
  expect(status.status).toBe(401);
  await page.goto("/");
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
  expect(user.problems).toEqual([]);
  expect(admin.problems).toEqual([]);
});
