import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

async function headerOrder(page: E2eSession["page"]): Promise<string[]> {
  await page.locator("thead th[data-module-key]").first().waitFor();
  return page
    .locator("thead th[data-module-key]")
    .evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-module-key") ?? ""));
}

test("reorders module columns with the column chooser and keeps the order after a reload", async () => {
  const { page } = s;
  await page.goto("/mapping");
  const before = await headerOrder(page);
  expect(before.length).toBeGreaterThan(1);
  const secondName = (await page.locator(`thead th[data-module-key="${before[1]}"]`).textContent()) ?? "";

  await page.getByRole("button", { name: "Columns" }).click();
  await page.getByRole("button", { name: `Move ${secondName} up` }).click();
  const expected = [before[1], before[0], ...before.slice(2)];
  await page.waitForFunction(
    (want) =>
      JSON.stringify(
        [...document.querySelectorAll("thead th[data-module-key]")].map((c) =>
          c.getAttribute("data-module-key"),
        ),
      ) === JSON.stringify(want),
    expected,
  );
  await screenshot(page, "column-order-chooser");
  await page.keyboard.press("Escape");

  await page.reload();
  expect(await headerOrder(page)).toEqual(expected);
  await screenshot(page, "column-order-after-reload");
});
