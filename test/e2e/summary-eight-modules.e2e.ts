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

/**
 * Issue 13 point 9: "with 8 modules the summary takes 3-5 lines". With eight ready modules the
 * "Yet to be mapped" summary stays one line at 1440 and at 1024 px (its height is measured), and
 * the per-module counts fold out on request. The modules this test adds are file-connector
 * modules; their integrated billing is turned off again afterwards, which hides them from the
 * mapping views (rule 1) for the tests that run later.
 */
const ADDED_PREFIX = "e2e-eighth-";
const added: string[] = [];
let s: E2eSession;

interface ModuleList {
  items: { key: string; state: string }[];
}

async function readyModules(page: E2eSession["page"]) {
  const { data } = await api<ModuleList>(page, "GET", "/modules");
  return data.items.filter((m) => m.state === "ready");
}

/** A file-connector module with two records, integrated billing on, synced until ready. */
async function addReadyModule(page: E2eSession["page"], n: number) {
  const key = `${ADDED_PREFIX}${n}`;
  const dir = join(process.env.ORGMAP_E2E_DATA_DIR ?? "/tmp", "import");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${key}.csv`);
  writeFileSync(
    path,
    `externalId,name,parentExternalId\n${key}-1,Eighth Tool Client ${n},\n${key}-2,Other ${n},\n`,
  );
  const created = await api(page, "POST", "/modules", { key, name: `Extra Tool ${n}` });
  expect([201, 409]).toContain(created.status);
  const configured = await api(page, "PATCH", `/modules/${key}`, {
    connector: { kind: "file", settings: { path, format: "csv" } },
    billingEnabled: true,
  });
  expect(configured.status, JSON.stringify(configured.data)).toBe(200);
  added.push(key);
  const sync = await api(page, "POST", `/modules/${key}/sync`);
  expect(sync.status, JSON.stringify(sync.data)).toBe(202);
  const ready = await eventually(async () => {
    const { data } = await api<{ state: string }>(page, "GET", `/modules/${key}`);
    return data.state === "ready";
  }, 60_000);
  expect(ready).toBe(true);
}

beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
  for (let n = 1; (await readyModules(s.page)).length < 8; n++) await addReadyModule(s.page, n);
});

afterAll(async () => {
  if (s) {
    for (const key of added) await api(s.page, "PATCH", `/modules/${key}`, { billingEnabled: false });
    await s.close();
  }
});

test.each([1440, 1024])("with 8 modules the summary stays one line at %i px", async (width) => {
  const { page } = s;
  expect((await readyModules(page)).length).toBeGreaterThanOrEqual(8);
  await page.setViewportSize({ width, height: 900 });
  await page.goto("/mapping");
  const bar = page.getByTestId("summary-bar");
  await bar.getByTestId("total-without-mapping").waitFor();
  // The fold-out's state is remembered (localStorage) across visits: measure the folded bar.
  const foldOut = bar.getByRole("button", { name: /the \d+ modules$/ });
  if ((await foldOut.getAttribute("aria-expanded")) === "true") await foldOut.click();
  await bar.locator("tr[data-module-key]").first().waitFor({ state: "detached" });
  const lineHeight = await bar.evaluate((el) => Number.parseFloat(getComputedStyle(el).lineHeight) || 20);
  const box = await bar.boundingBox();
  // One line of text plus the bar's padding: under two lines' height, as with six modules.
  expect(box?.height ?? 0).toBeLessThan(60);
  expect(box?.height ?? 0).toBeLessThan(lineHeight * 2 + 24);
  // Nothing spills sideways either.
  expect(await bar.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await screenshot(page, `summary-8-modules-${width}`);

  // The per-module counts fold out on request: one row per module, all eight.
  await foldOut.click();
  const rows = bar.locator("tr[data-module-key]");
  await rows.first().waitFor();
  expect(await rows.count()).toBeGreaterThanOrEqual(8);
  await screenshot(page, `summary-8-modules-${width}-per-module`);
  // Folded again, so the next visit (the next width, a later file) starts from the one line.
  await foldOut.click();
  await rows.first().waitFor({ state: "detached" });
});
