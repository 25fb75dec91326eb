import { AxeBuilder } from "@axe-core/playwright";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { grid, moduleOrganizations } from "./support/e2e-data.ts";

/**
 * Issue 13, URL state: sort and filters live in the URL (TanStack Router, zod-validated search
 * params), the server sorts, a header says its order with aria-sort, Back and Forward step through
 * the choices, and a shared URL opens the same view in a fresh tab.
 */
let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

type Page = E2eSession["page"];

const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** The first loaded row's id of tab 1 or tab 2, once it is `expected` (the server's first row). */
async function firstRowIs(page: Page, attribute: string, expected: string | undefined) {
  expect(expected).toBeTruthy();
  await page.locator(`tr[${attribute}="${expected}"][aria-rowindex="2"]`).waitFor();
}

async function noSeriousViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
}

test("tab 1: the organization header sorts on the server; Back and Forward walk sort and Show; a deep link reopens it", async () => {
  const { page } = s;
  await page.goto("/mapping");
  const header = page.locator(`th.sticky-col[scope="col"]`);
  await header.waitFor();
  expect(await header.getAttribute("aria-sort")).toBe("ascending");
  const byName = (await grid(page, "limit=1")).items[0]?.organization.id;
  const byNameDown = (await grid(page, "limit=1&sort=-name")).items[0]?.organization.id;
  await firstRowIs(page, "data-organization-id", byName);

  await header.getByRole("button", { name: /^Autotask Organization/ }).click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "-name");
  expect(await header.getAttribute("aria-sort")).toBe("descending");
  await firstRowIs(page, "data-organization-id", byNameDown);

  await page.getByRole("combobox", { name: "Show" }).selectOption("left-to-map");
  await page.waitForURL((url) => url.searchParams.get("show") === "left-to-map");
  expect(param(page, "sort")).toBe("-name");
  const leftDown = (await grid(page, "limit=1&sort=-name&hideMapped=true")).items[0]?.organization.id;
  await firstRowIs(page, "data-organization-id", leftDown);
  await screenshot(page, "url-state-tab1-sorted");

  // Back: the Show choice goes, the sort stays; Back again: the tree order.
  await page.goBack();
  await page.waitForURL(
    (url) => url.searchParams.get("show") === null && url.searchParams.get("sort") === "-name",
  );
  expect(await page.getByRole("combobox", { name: "Show" }).inputValue()).toBe("all");
  await firstRowIs(page, "data-organization-id", byNameDown);
  await page.goBack();
  await page.waitForURL((url) => url.pathname === "/mapping" && url.search === "");
  expect(await header.getAttribute("aria-sort")).toBe("ascending");
  await firstRowIs(page, "data-organization-id", byName);
  await page.goForward();
  await page.goForward();
  await page.waitForURL((url) => url.searchParams.get("show") === "left-to-map");
  await firstRowIs(page, "data-organization-id", leftDown);

  // A shared URL (PSA id, high to low, with a search) opens the same view in a new tab.
  const shared = await s.context.newPage();
  await shared.goto("/mapping?sort=-psaId&show=left-to-map");
  const sharedFirst = (await grid(shared, "limit=1&sort=-psaId&hideMapped=true")).items[0]?.organization.id;
  await firstRowIs(shared, "data-organization-id", sharedFirst);
  expect(await shared.locator(`th.sticky-col[scope="col"]`).getAttribute("aria-sort")).toBe("descending");
  expect(await shared.getByRole("combobox", { name: "Show" }).inputValue()).toBe("left-to-map");
  // A sort that is not tab 1's is dropped, not an error page.
  await shared.goto("/mapping?sort=nonsense");
  await firstRowIs(shared, "data-organization-id", byName);
  await shared.close();
  await noSeriousViolations(page);
});

test("tab 2: module and target headers sort; Back restores the previous order; a deep link with filters and sort reopens it", async () => {
  const { page } = s;
  await page.goto("/mapping?tab=module-organizations&status=mapped");
  const list = page.getByTestId("module-organization-list");
  const moduleHeader = list.locator("th", { has: page.locator('[data-sort-column="module"]') });
  await moduleHeader.waitFor();
  expect(await moduleHeader.getAttribute("aria-sort")).toBe("none");

  await moduleHeader.getByRole("button").click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "module");
  expect(param(page, "status")).toBe("mapped");
  expect(await moduleHeader.getAttribute("aria-sort")).toBe("ascending");
  const byModule = (await moduleOrganizations(page, "status=mapped&limit=1&sort=module"))[0]?.id;
  await firstRowIs(page, "data-module-organization-id", byModule);

  await moduleHeader.getByRole("button").click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "-module");
  expect(await moduleHeader.getAttribute("aria-sort")).toBe("descending");
  const byModuleDown = (await moduleOrganizations(page, "status=mapped&limit=1&sort=-module"))[0]?.id;
  await firstRowIs(page, "data-module-organization-id", byModuleDown);
  await screenshot(page, "url-state-tab2-sorted");

  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("sort") === "module");
  await firstRowIs(page, "data-module-organization-id", byModule);

  const shared = await s.context.newPage();
  await shared.goto("/mapping?tab=module-organizations&status=mapped&sort=-organization");
  const byTargetDown = (await moduleOrganizations(shared, "status=mapped&limit=1&sort=-organization"))[0];
  await firstRowIs(shared, "data-module-organization-id", byTargetDown?.id);
  const targetHeader = shared
    .getByTestId("module-organization-list")
    .locator("th", { has: shared.locator('[data-sort-column="organization"]') });
  expect(await targetHeader.getAttribute("aria-sort")).toBe("descending");
  expect(await shared.getByRole("combobox", { name: "Status" }).inputValue()).toBe("mapped");
  await shared.close();
  await noSeriousViolations(page);
});

test("history: When sorts oldest first; the kind filter and the order round-trip through Back and a deep link", async () => {
  const { page } = s;
  type Steps = { items: { stepId: string }[] };
  const first = async (query: string) =>
    (await api<Steps>(page, "GET", `/audit-steps?limit=1${query}`)).data.items[0]?.stepId;
  await page.goto("/history");
  const when = page.locator("th", { hasText: "When" });
  await when.waitFor();
  expect(await when.getAttribute("aria-sort")).toBe("descending");
  const newest = await first("");
  const oldest = await first("&sort=at");
  await page.locator(`tr[data-step-id="${newest}"]`).first().waitFor();
  expect(await page.locator("tr[data-step-id]").first().getAttribute("data-step-id")).toBe(newest);

  await when.getByRole("button").click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "at");
  expect(await when.getAttribute("aria-sort")).toBe("ascending");
  await page.locator(`tr[data-step-id="${oldest}"]`).first().waitFor();
  expect(await page.locator("tr[data-step-id]").first().getAttribute("data-step-id")).toBe(oldest);

  await page.getByRole("combobox", { name: "What" }).selectOption("mapping");
  await page.waitForURL((url) => url.searchParams.get("kind") === "mapping");
  const oldestMapping = await first("&sort=at&entityType=mapping");
  await page.locator(`tr[data-step-id="${oldestMapping}"]`).first().waitFor();
  await screenshot(page, "url-state-history-oldest-first");

  await page.goBack();
  await page.waitForURL(
    (url) => url.searchParams.get("kind") === null && url.searchParams.get("sort") === "at",
  );
  expect(await page.getByRole("combobox", { name: "What" }).inputValue()).toBe("");
  await page.goBack();
  await page.waitForURL((url) => url.pathname === "/history" && url.search === "");
  await page.locator(`tr[data-step-id="${newest}"]`).first().waitFor();
  expect(await page.locator("tr[data-step-id]").first().getAttribute("data-step-id")).toBe(newest);

  const shared = await s.context.newPage();
  await shared.goto("/history?kind=mapping&sort=at");
  await shared.locator("tr[data-step-id]").first().waitFor();
  expect(await shared.locator("tr[data-step-id]").first().getAttribute("data-step-id")).toBe(oldestMapping);
  expect(await shared.getByRole("combobox", { name: "What" }).inputValue()).toBe("mapping");
  await shared.close();
  await noSeriousViolations(page);
});

test("reconciliation: the sort (a header or the Sort choice) and the filters are steps Back walks through; a deep link reopens them", async () => {
  const { page } = s;
  await page.goto("/billing/reconciliation");
  const sort = page.getByRole("combobox", { name: "Sort" });
  await sort.waitFor();
  expect(await sort.inputValue()).toBe("attention");
  const moneyHeader = page.locator("th", { hasText: "Money a month" });
  await moneyHeader.waitFor();
  expect(await moneyHeader.getAttribute("aria-sort")).toBeNull();

  await moneyHeader.getByRole("button").click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "money");
  expect(await moneyHeader.getAttribute("aria-sort")).toBe("descending");
  expect(await sort.inputValue()).toBe("money");

  await page.getByRole("checkbox", { name: /attention/i }).check();
  await page.waitForURL((url) => url.searchParams.get("needsAttention") === "true");
  expect(param(page, "sort")).toBe("money");
  await screenshot(page, "url-state-reconciliation");

  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("needsAttention") === null);
  expect(param(page, "sort")).toBe("money");
  expect(await page.getByRole("checkbox", { name: /attention/i }).isChecked()).toBe(false);
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("sort") === null);
  expect(await sort.inputValue()).toBe("attention");

  const shared = await s.context.newPage();
  await shared.goto("/billing/reconciliation?sort=service&needsAttention=true");
  const sharedSort = shared.getByRole("combobox", { name: "Sort" });
  await sharedSort.waitFor();
  expect(await sharedSort.inputValue()).toBe("service");
  expect(await shared.getByRole("checkbox", { name: /attention/i }).isChecked()).toBe(true);
  await shared.close();
});
