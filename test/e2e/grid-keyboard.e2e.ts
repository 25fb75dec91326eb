import { AxeBuilder } from "@axe-core/playwright";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

/**
 * Issue 13 point 15: tab 1 is one Tab stop (the ARIA grid pattern: arrows move, Tab leaves, and
 * coming back lands on the last cell); the column chooser takes focus when opened, keeps it inside
 * (Tab cycles), keeps it on the moved column after a move, and Escape closes it and returns focus.
 */
let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

type Page = E2eSession["page"];

/** Where focus is: the grid cell's coordinates, "dialog" inside the column chooser, or the element's words. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    if (el.closest("thead")) return `header ${el.textContent?.trim()}`;
    if (el.closest("[data-testid=organization-grid]")) return `cell ${el.dataset.cell ?? "?"}`;
    if (el.closest("[role=dialog][aria-label='Column order']"))
      return `dialog ${el.getAttribute("aria-label")}`;
    return el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName;
  });
}

test("the grid is one Tab stop; arrows move; Tab leaves; Shift+Tab returns to the last cell", async () => {
  const { page } = s;
  await page.goto("/mapping");
  await page.locator("tr[data-organization-id]").first().waitFor();
  const tabStops = await page
    .locator("[data-testid=organization-grid] [data-cell]")
    .evaluateAll((cells) => cells.filter((c) => (c as HTMLElement).tabIndex === 0).length);
  expect(tabStops).toBe(1);

  // After the toolbar: the organization column's two sort buttons, then the grid's one stop.
  await page.getByRole("button", { name: "Columns" }).focus();
  await page.keyboard.press("Tab");
  expect(await focused(page)).toMatch(/^header Autotask Organization/);
  await page.keyboard.press("Tab");
  expect(await focused(page)).toMatch(/^header PSA id/);
  await page.keyboard.press("Tab");
  expect(await focused(page)).toBe("cell 0:0");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  expect(await focused(page)).toBe("cell 1:1");
  await page.keyboard.press("Tab");
  expect(await focused(page)).not.toMatch(/^cell /);
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toBe("cell 1:1");
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toMatch(/^header PSA id/);
});

test("a cell's picker: Tab and Escape close it and return focus to the cell", async () => {
  const { page } = s;
  await page.goto("/mapping");
  await page.locator("tr[data-organization-id]").first().waitFor();
  // The last Tab stop before the grid's cells is the organization column's "PSA id" sort button.
  await page.locator("th [data-sort-column=psaId]").focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  expect(await focused(page)).toBe("cell 1:1");
  const combobox = page.locator(".popover [role=combobox]");
  await page.keyboard.press("Enter");
  await combobox.waitFor();
  expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("combobox");
  // Tab closes the popup without choosing and puts focus back on the cell: focus never stays behind
  // in a closed popup, nor runs off to the end of the page while the popup stays open.
  await page.keyboard.press("Tab");
  await combobox.waitFor({ state: "detached" });
  expect(await focused(page)).toBe("cell 1:1");
  // The next Tab leaves the grid, as from any cell.
  await page.keyboard.press("Tab");
  expect(await focused(page)).not.toMatch(/^cell /);
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toBe("cell 1:1");
  await page.keyboard.press("Enter");
  await combobox.waitFor();
  await page.keyboard.press("Escape");
  await combobox.waitFor({ state: "detached" });
  expect(await focused(page)).toBe("cell 1:1");
});

test("the column chooser: focus moves in, stays in, follows a move, and Escape returns it", async () => {
  const { page } = s;
  await page.goto("/mapping");
  await page.locator("thead th[data-module-key]").first().waitFor();
  const names = await page
    .locator("thead th[data-module-key]")
    .evaluateAll((cells) => cells.map((c) => c.textContent ?? ""));
  const columns = page.getByRole("button", { name: "Columns" });
  await columns.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: "Column order" }).waitFor();
  expect(await focused(page)).toBe(`dialog Move ${names[0]} down`);

  // Tab cycles inside the dialog: as many Tabs as it has buttons, and one more, stay inside it.
  const buttons = await page
    .getByRole("dialog", { name: "Column order" })
    .locator("button:not([disabled])")
    .count();
  for (let i = 0; i <= buttons; i++) {
    await page.keyboard.press("Tab");
    expect(await focused(page)).toMatch(/^dialog /);
  }

  // A move with the keyboard keeps focus on the moved column's button.
  await page.getByRole("button", { name: `Move ${names[0]} down` }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (first) => document.querySelector("thead th[data-module-key]")?.textContent !== first,
    names[0],
  );
  expect(await focused(page)).toBe(`dialog Move ${names[0]} down`);
  await screenshot(page, "column-chooser-focus-after-move");
  const axe = await new AxeBuilder({ page }).include(".column-chooser").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  // Put it back, then Escape closes and returns focus to the Columns button.
  await page.keyboard.press("Shift+Tab");
  expect(await focused(page)).toBe(`dialog Move ${names[0]} up`);
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (first) => document.querySelector("thead th[data-module-key]")?.textContent === first,
    names[0],
  );
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Column order" }).waitFor({ state: "detached" });
  expect(await focused(page)).toBe("Columns");
});
