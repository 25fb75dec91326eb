import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  ADMIN,
  api,
  type E2eSession,
  eventually,
  login,
  openBrowser,
  screenshot,
} from "./support/e2e-browser.ts";

const EVIL = "<img src=x onerror=alert(1)>";
const MODULE_KEY = "e2e-untrusted";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

/**
 * Creates a module fed by the file connector whose only record carries markup in its name, turns
 * integrated billing on and syncs it, all through the API the UI uses.
 */
async function createUntrustedModule(page: E2eSession["page"]) {
  // The file connector reads only the import folder (ORGMAP_IMPORT_DIR, by default <data dir>/import).
  const dir = join(process.env.ORGMAP_E2E_DATA_DIR ?? "/tmp", "import");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "untrusted.csv");
  writeFileSync(path, `externalId,name,parentExternalId\nevil-1,"${EVIL}",\nfine-1,Plain Name Ltd,\n`);
  const created = await api(page, "POST", "/modules", { key: MODULE_KEY, name: "Untrusted Tool" });
  expect([201, 409]).toContain(created.status);
  const configured = await api(page, "PATCH", `/modules/${MODULE_KEY}`, {
    connector: { kind: "file", settings: { path, format: "csv" } },
    billingEnabled: true,
  });
  expect(configured.status, JSON.stringify(configured.data)).toBe(200);
  const sync = await api(page, "POST", `/modules/${MODULE_KEY}/sync`);
  expect(sync.status, `POST /modules/${MODULE_KEY}/sync: ${JSON.stringify(sync.data)}`).toBe(202);
  const ready = await eventually(async () => {
    const { data } = await api<{ state: string }>(page, "GET", `/modules/${MODULE_KEY}`);
    return data.state === "ready";
  }, 30_000);
  expect(ready).toBe(true);
}

test("a module organization named with markup shows as text and runs nothing", async () => {
  const { page } = s;
  await createUntrustedModule(page);
  // Any alert() would set the flag (and the dialog listener records it as a problem as well).
  await page.addInitScript(() => {
    (window as unknown as { __xss: boolean }).__xss = false;
    window.alert = () => {
      (window as unknown as { __xss: boolean }).__xss = true;
    };
  });

  await page.goto(`/mapping?tab=module-organizations&moduleKey=${MODULE_KEY}`);
  const list = page.getByTestId("module-organization-list");
  await list.getByText(EVIL, { exact: true }).waitFor();
  expect(await list.locator("img").count()).toBe(0);
  await screenshot(page, "untrusted-name-tab2");

  // The tab 1 combobox shows it as text too.
  await page.getByRole("tab", { name: "Map by Organization" }).click();
  const row = page.locator("tr[data-organization-id]").first();
  await row.waitFor();
  // Its column is the last one, off to the right: scroll to it first, since a popover closes when the
  // page scrolls under it (and Playwright's scroll-then-click delivers the scroll event after the click).
  const cell = row.locator(`td[data-module-key="${MODULE_KEY}"] button`);
  await cell.scrollIntoViewIfNeeded();
  await page.waitForTimeout(150);
  await cell.click();
  await page.getByRole("combobox", { name: "Untrusted Tool Module Organizations" }).fill("onerror");
  await page.getByRole("option").filter({ hasText: EVIL }).first().waitFor();
  expect(await page.locator(".popover img").count()).toBe(0);
  await screenshot(page, "untrusted-name-combobox");
  await page.keyboard.press("Escape");

  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as unknown as { __xss?: boolean }).__xss ?? false)).toBe(false);
  expect(s.problems).toEqual([]);
});
