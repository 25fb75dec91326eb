import { AxeBuilder } from "@axe-core/playwright";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { moduleOrganizations } from "./support/e2e-data.ts";

/**
 * Issue 13: axe finds no serious or critical violation on any page, and every page is photographed
 * at 1440 and 1024 px (test-results/page-<name>-<width>.png).
 */
const WIDTHS = [1440, 1024] as const;
const sessions: E2eSession[] = [];

beforeAll(async () => {
  for (const width of WIDTHS) {
    const session = await openBrowser({ viewport: { width, height: 900 } });
    await login(session.page, ADMIN);
    sessions.push(session);
  }
});
afterAll(async () => {
  for (const session of sessions) await session.close();
});

let orgId = "";
const PAGES = [
  { name: "mapping", path: () => "/mapping", ready: "tr[data-organization-id]" },
  { name: "mapping-module-organizations", path: () => "/mapping?tab=module-organizations", ready: "table" },
  { name: "suggestions", path: () => "/mapping/suggestions", ready: "li.suggestion" },
  { name: "organization", path: () => `/organizations/${orgId}`, ready: "#mappings-summary-title" },
  {
    name: "organization-mappings",
    path: () => `/organizations/${orgId}?view=mappings`,
    ready: ".mappings-table",
  },
  { name: "modules", path: () => "/modules", ready: ".module-card" },
  { name: "history", path: () => "/history", ready: "tr[data-step-id]" },
  { name: "settings", path: () => "/settings", ready: "form" },
  { name: "users", path: () => "/admin/users", ready: "tr[data-username]" },
  { name: "account-password", path: () => "/account/password", ready: "form" },
];

for (const target of PAGES) {
  test(`${target.name}: no serious or critical axe violation; screenshots at 1440 and 1024 px`, async () => {
    if (!orgId) {
      const [mapped] = await moduleOrganizations((sessions[0] as E2eSession).page, "status=mapped&limit=1");
      orgId = mapped?.mapping?.organizationId ?? "";
    }
    const found: string[] = [];
    for (const [i, width] of WIDTHS.entries()) {
      const { page } = sessions[i] as E2eSession;
      await page.goto(target.path());
      await page.locator(target.ready).first().waitFor();
      await page.waitForTimeout(300);
      await screenshot(page, `page-${target.name}-${width}`);
      if (width !== 1440) continue;
      const result = await new AxeBuilder({ page }).analyze();
      for (const violation of result.violations) {
        if (violation.impact !== "serious" && violation.impact !== "critical") continue;
        found.push(
          `${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(", ")}`,
        );
      }
    }
    expect(found).toEqual([]);
  });
}

test("the login page: no serious or critical axe violation", async () => {
  const session = await openBrowser();
  try {
    await session.page.goto("/");
    await session.page.getByLabel("Username").waitFor();
    await screenshot(session.page, "page-login-1440");
    const result = await new AxeBuilder({ page: session.page }).analyze();
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  } finally {
    await session.close();
  }
});

test("a skip link is the first Tab stop and moves focus to the page", async () => {
  const { page } = sessions[0] as E2eSession;
  await page.goto("/history");
  await page.locator("tr[data-step-id]").first().waitFor();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
  await page.keyboard.press("Enter");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  const favicon = await page.request.get("/favicon.svg");
  expect(favicon.status()).toBe(200);
});
