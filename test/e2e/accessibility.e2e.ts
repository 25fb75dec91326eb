import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { moduleOrganizations } from "./support/e2e-data.ts";

/**
 * Issue 13: axe finds no serious or critical violation on any page of the app's router (app-shell.tsx),
 * at 1440 and at 1024 px, and every page is photographed at both widths
 * (test-results/page-<name>-<width>.png). One browser and one sign-in; the viewport is resized.
 */
const WIDTHS = [1440, 1024] as const;
let session: E2eSession;

beforeAll(async () => {
  session = await openBrowser({ viewport: { width: 1440, height: 900 } });
  await login(session.page, ADMIN);
});
afterAll(async () => {
  await session?.close();
});

let orgId = "";
/** `ready`: what shows once the page's data is in (a page still loading is not what people see). */
const PAGES = [
  { name: "dashboard", path: () => "/dashboard", ready: "#main h1" },
  { name: "mapping", path: () => "/mapping", ready: "tr[data-organization-id]" },
  { name: "mapping-module-organizations", path: () => "/mapping?tab=module-organizations", ready: "table" },
  { name: "suggestions", path: () => "/mapping/suggestions", ready: "li.suggestion" },
  { name: "billing-reconciliation", path: () => "/billing/reconciliation", ready: "#main h1" },
  { name: "billing-services", path: () => "/billing/service-mappings", ready: "#main h1" },
  { name: "organization", path: () => `/organizations/${orgId}`, ready: "#mappings-summary-title" },
  {
    name: "organization-mappings",
    path: () => `/organizations/${orgId}?view=mappings`,
    ready: ".mappings-table",
  },
  { name: "modules", path: () => "/modules", ready: ".module-card" },
  { name: "posting", path: () => "/posting", ready: "#main h1" },
  { name: "history", path: () => "/history", ready: "tr[data-step-id]" },
  { name: "settings", path: () => "/settings", ready: "form" },
  { name: "alerts", path: () => "/alerts", ready: "#main h1" },
  { name: "my-alerts", path: () => "/account/alerts", ready: "#main h1" },
  { name: "users-and-tokens", path: () => "/admin/users", ready: "tr[data-username]" },
  { name: "security", path: () => "/admin/security", ready: "#main h1" },
  { name: "account-password", path: () => "/account/password", ready: "form" },
  { name: "account-sessions", path: () => "/account/sessions", ready: "#main h1" },
  { name: "account-mfa", path: () => "/account/mfa", ready: "#main h1" },
  { name: "not-found", path: () => "/no-such-page", ready: "#main" },
];

/** Serious and critical axe violations of the page as it is now, in words. */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${where}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")}`,
    );
}

/** Waits for the page's content, then for no request in flight and no loading indicator left. */
async function settle(page: Page, ready: string) {
  await page.locator(ready).first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.locator(".loading").first().waitFor({ state: "detached" });
}

for (const target of PAGES) {
  test(`${target.name}: no serious or critical axe violation at 1440 and 1024 px; screenshots`, async () => {
    const { page } = session;
    if (!orgId) {
      const [mapped] = await moduleOrganizations(page, "status=mapped&limit=1");
      orgId = mapped?.mapping?.organizationId ?? "";
    }
    const found: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(target.path());
      await settle(page, target.ready);
      await screenshot(page, `page-${target.name}-${width}`);
      found.push(...(await seriousViolations(page, `${width}px`)));
    }
    expect(found).toEqual([]);
  });
}

test("the login page: no serious or critical axe violation at 1440 and 1024 px; screenshots", async () => {
  const signedOut = await openBrowser();
  try {
    const found: string[] = [];
    for (const width of WIDTHS) {
      await signedOut.page.setViewportSize({ width, height: 900 });
      await signedOut.page.goto("/");
      await signedOut.page.getByLabel("Username").waitFor();
      await screenshot(signedOut.page, `page-login-${width}`);
      found.push(...(await seriousViolations(signedOut.page, `${width}px`)));
    }
    expect(found).toEqual([]);
  } finally {
    await signedOut.close();
  }
});

test("a skip link is the first Tab stop and moves focus to the page", async () => {
  const { page } = session;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/history");
  await page.locator("tr[data-step-id]").first().waitFor();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
  await page.keyboard.press("Enter");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  const favicon = await page.request.get("/favicon.svg");
  expect(favicon.status()).toBe(200);
});
