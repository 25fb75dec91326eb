import { AxeBuilder } from "@axe-core/playwright";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { grid } from "./support/e2e-data.ts";

/**
 * Issue 13 point 9: the "Yet to be mapped" counts are links into the view that lists exactly what
 * they count, in plain words, with totals across modules, on one line; the grid's two filters are
 * one "Show" choice in the URL. Point 11: search forgives a typo, finds a PSA id, and a Dead
 * organization found by name says why it is not a row, with a way to open it.
 */
let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

interface Worklists {
  totals: { unmappedModuleOrganizations: number; organizationsWithoutMapping: number };
  modules: {
    moduleKey: string;
    name: string;
    unmappedModuleOrganizations: number;
    organizationsWithoutMapping: number;
  }[];
}

async function statusCount(page: E2eSession["page"]): Promise<number> {
  const status = page.locator(".tab-panel-inner .toolbar [role=status]");
  await page.waitForFunction((el) => /^\d[\d,]* /.test(el?.textContent ?? ""), await status.elementHandle());
  return Number(((await status.textContent()) ?? "").replace(/[^\d]/g, ""));
}

test("the summary is one line of totals, each count a link to exactly what it counts", async () => {
  const { page } = s;
  const { data } = await api<Worklists>(page, "GET", "/worklists");
  await page.goto("/mapping");
  const bar = page.getByTestId("summary-bar");
  const total = bar.getByTestId("total-without-mapping");
  await total.waitFor();
  // One line however many modules there are: the per-module counts fold out on request.
  const box = await bar.boundingBox();
  expect(box?.height ?? 0).toBeLessThan(60);
  expect(await total.textContent()).toBe(
    `${data.totals.organizationsWithoutMapping.toLocaleString("en-US")} active customers with a module left to map`,
  );
  await screenshot(page, "worklist-summary-one-line");

  // The total opens tab 1 filtered to those organizations; the grid counts the same number.
  await total.click();
  await page.waitForURL(/worklist=active_customers/);
  await page.getByTestId("worklist-chip").waitFor();
  expect(await statusCount(page)).toBe(data.totals.organizationsWithoutMapping);

  // Per module: the count of one module opens exactly its rows.
  await page.goto("/mapping");
  await bar.getByRole("button", { name: /the \d+ modules$/ }).click();
  const module = data.modules.find((m) => m.organizationsWithoutMapping > 0) ?? data.modules[0]!;
  const row = bar.locator(`tr[data-module-key="${module.moduleKey}"]`);
  await screenshot(page, "worklist-summary-per-module");
  await row.getByTestId("without-mapping-count").click();
  await page.waitForURL(new RegExp(`worklistModule=${module.moduleKey}`));
  expect(await statusCount(page)).toBe(module.organizationsWithoutMapping);
  expect(await page.getByTestId("worklist-chip").textContent()).toContain(module.name);

  // The module's unmapped count opens tab 2 filtered to its unmapped module organizations.
  await page.goBack();
  await page.waitForURL((url) => !url.search.includes("worklist"));
  await row.getByTestId("unmapped-count").click();
  await page.waitForURL(/tab=module-organizations/);
  expect(await statusCount(page)).toBe(module.unmappedModuleOrganizations);
  await page.getByRole("combobox", { name: "Status" }).waitFor();
  expect(await page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("unmapped");

  const axe = await new AxeBuilder({ page }).include("[data-testid=summary-bar]").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
});

test("the grid's Show choice replaces two look-alike checkboxes and lives in the URL", async () => {
  const { page } = s;
  await page.goto("/mapping");
  await page.locator("tr[data-organization-id]").first().waitFor();
  expect(await page.getByRole("checkbox", { name: "Unmapped only" }).count()).toBe(0);
  expect(await page.getByRole("checkbox", { name: "Hide mapped" }).count()).toBe(0);
  const show = page.getByRole("combobox", { name: "Show" });
  await show.selectOption("nothing-mapped");
  await page.waitForURL(/show=nothing-mapped/);
  const nothingMapped = (await grid(page, "unmappedOnly=true&limit=1")).total;
  expect(await statusCount(page)).toBe(nothingMapped);
  await show.selectOption("left-to-map");
  await page.waitForURL(/show=left-to-map/);
  expect(await statusCount(page)).toBe((await grid(page, "hideMapped=true&limit=1")).total);
  // Back returns to the previous choice, and a reload keeps it.
  await page.goBack();
  await page.waitForURL(/show=nothing-mapped/);
  expect(await show.inputValue()).toBe("nothing-mapped");
  expect(await statusCount(page)).toBe(nothingMapped);
  await page.reload();
  await page.getByRole("combobox", { name: "Show" }).waitFor();
  expect(await page.getByRole("combobox", { name: "Show" }).inputValue()).toBe("nothing-mapped");
});

test("search forgives a typo, finds a PSA id, and says why a Dead organization is not a row", async () => {
  const { page } = s;
  const { data: organizations } = await api<{
    items: { id: string; psaId: string; name: string; type: string }[];
  }>(page, "GET", "/organizations?isMappable=true&limit=200");
  // A name with a long word, typed with one letter of that word missing ("capitl" for "capital").
  const target = organizations.items.find((o) => o.name.split(" ").some((w) => w.length >= 7))!;
  const longWord = target.name.split(" ").find((w) => w.length >= 7)!;
  const typo = target.name.replace(longWord, longWord.slice(0, 4) + longWord.slice(5)).toLowerCase();
  await page.goto("/mapping");
  const search = page.getByRole("searchbox", { name: /^Search / });
  await search.fill(typo);
  await page.locator(`tr[data-organization-id="${target.id}"]`).waitFor();
  await page.waitForURL((url) => url.searchParams.get("search") === typo);
  await screenshot(page, "search-typo");

  await search.fill(target.psaId);
  await page.locator(`tr[data-organization-id="${target.id}"]`).waitFor();

  const { data: dead } = await api<{ items: { id: string; name: string; type: string }[] }>(
    page,
    "GET",
    "/organizations?isMappable=false&limit=1",
  );
  const gone = dead.items[0]!;
  await search.fill(gone.name);
  const note = page.getByTestId("unmappable-matches");
  await note.waitFor();
  expect(await note.textContent()).toContain("can never receive a mapping");
  await screenshot(page, "search-dead-organization");
  await note.getByRole("link", { name: `Show ${gone.name} (${gone.type})` }).click();
  await page.getByRole("heading", { name: gone.name, level: 1 }).waitFor();
});

test("tab 2's filters and search live in the URL: Back restores them, a reload keeps them", async () => {
  const { page } = s;
  await page.goto("/mapping?tab=module-organizations");
  const status = page.getByRole("combobox", { name: "Status" });
  await status.waitFor();
  await status.selectOption("unmapped");
  await page.waitForURL(/status=unmapped/);
  const unmapped = await statusCount(page);
  await status.selectOption("mapped");
  await page.waitForURL(/status=mapped/);
  await page.getByRole("searchbox", { name: /^Search / }).fill("a");
  await page.waitForURL((url) => url.searchParams.get("search") === "a");
  await page.reload();
  expect(await page.getByRole("searchbox", { name: /^Search / }).inputValue()).toBe("a");
  expect(await page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("mapped");
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("status") === "unmapped");
  expect(await page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("unmapped");
  expect(await page.getByRole("searchbox", { name: /^Search / }).inputValue()).toBe("");
  expect(await statusCount(page)).toBe(unmapped);
});
