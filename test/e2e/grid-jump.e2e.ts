import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";
import { grid } from "./support/e2e-data.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

test("tab 1 jumps to its last row fetching only the blocks it shows, far fewer rows than the total", async () => {
  const { page } = s;
  const fetched = { rows: 0, requests: 0 };
  const counting: Promise<void>[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname !== "/api/v1/mapping-grid" || response.request().method() !== "GET") return;
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

  await page.waitForTimeout(300);
  await Promise.all(counting);
  // The first block and the blocks around the end, not every row in between.
  expect(fetched.rows).toBeLessThanOrEqual(400);
  expect(fetched.rows).toBeLessThan(total / 2);
  expect(await scroller.locator("tbody tr").count()).toBeLessThan(100);
  expect(s.problems).toEqual([]);
});
