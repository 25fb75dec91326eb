import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { grid } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

/** Counts the rows the page fetches from a GET list endpoint; `settle()` waits for the answers read. */
function countFetchedRows(page: Page, pathname: string) {
  const fetched = { rows: 0, requests: 0 };
  const counting: Promise<void>[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname !== pathname || response.request().method() !== "GET") return;
    counting.push(
      response
        .json()
        .then((body: { items?: unknown[] }) => {
          fetched.requests++;
          fetched.rows += body.items?.length ?? 0;
        })
        .catch(() => undefined),
    );
  });
  const settle = async () => {
    await page.waitForTimeout(300);
    await Promise.all(counting);
    return fetched;
  };
  return { settle };
}

test("tab 1 jumps to its last row fetching only the blocks it shows, far fewer rows than the total", async () => {
  const { page } = s;
  const counter = countFetchedRows(page, "/api/v1/mapping-grid");
  await page.goto("/mapping");
  const scroller = page.getByTestId("organization-grid");
  await scroller.locator("tr[data-organization-id]").first().waitFor();
  const total = (await grid(page, "limit=1")).total ?? 0;
  // The scrollbar is sized for every row from the start.
  expect(Number(await page.getByRole("grid").getAttribute("aria-rowcount"))).toBe(total + 1);
  expect(total).toBeGreaterThan(500);

  // Drag to the very end (as the scrollbar thumb does): the last row shows, with its cells.
  await scroller.evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  const lastRow = scroller.locator(`tr[data-organization-id][aria-rowindex="${total + 1}"]`);
  await lastRow.waitFor();
  const expected = (await grid(page, `offset=${total - 1}&limit=1&withTotal=false`)).items[0];
  expect(await lastRow.getAttribute("data-organization-id")).toBe(expected?.organization.id);
  expect(await lastRow.locator("td[data-module-key]").count()).toBeGreaterThan(0);
  await screenshot(page, "grid-jump-to-end");

  // Arrow keys keep working down there.
  await lastRow.locator("a.org-link").focus();
  await page.keyboard.press("ArrowUp");
  expect(
    await page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("aria-rowindex")),
  ).toBe(String(total));

  const fetched = await counter.settle();
  // The first block and the blocks around the end, not every row in between.
  expect(fetched.rows).toBeLessThanOrEqual(400);
  expect(fetched.rows).toBeLessThan(total / 2);
  expect(await scroller.locator("tbody tr").count()).toBeLessThan(100);
  expect(s.problems).toEqual([]);
});

test("tab 2 jumps to its last row fetching far fewer rows than the total; the selection stays", async () => {
  const { page } = s;
  const counter = countFetchedRows(page, "/api/v1/module-organizations");
  await page.goto("/mapping?tab=module-organizations");
  const scroller = page.getByTestId("module-organization-list");
  const firstRow = scroller.locator("tr[data-module-organization-id]").first();
  await firstRow.waitFor();
  const { data } = await api<{ total?: number }>(page, "GET", "/module-organizations?limit=1&withTotal=true");
  const total = data.total ?? 0;
  expect(total).toBeGreaterThan(500);
  expect(Number(await page.getByRole("table").getAttribute("aria-rowcount"))).toBe(total + 1);
  await firstRow.getByRole("checkbox").check();
  await page.getByText("1 selected").waitFor();

  await scroller.evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  const lastRow = scroller.locator(`tr[data-module-organization-id][aria-rowindex="${total + 1}"]`);
  await lastRow.waitFor();
  const { data: last } = await api<{ items: { id: string }[] }>(
    page,
    "GET",
    `/module-organizations?offset=${total - 1}&limit=1`,
  );
  expect(await lastRow.getAttribute("data-module-organization-id")).toBe(last.items[0]?.id);
  await screenshot(page, "module-organizations-jump-to-end");

  const fetched = await counter.settle();
  expect(fetched.rows).toBeLessThanOrEqual(400);
  expect(fetched.rows).toBeLessThan(total / 2);
  // Back at the top, the row selected before the jump is still selected.
  await scroller.evaluate((element) => {
    element.scrollTop = 0;
  });
  await expect.poll(() => firstRow.getByRole("checkbox").isChecked()).toBe(true);
  await page.getByText("1 selected").waitFor();
  expect(s.problems).toEqual([]);
});
