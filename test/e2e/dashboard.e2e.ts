import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

interface DashboardModule {
  key: string;
  name: string;
  state: string;
  unmapped: number;
  lastSync: { outcome: string } | null;
}

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN, "/");
});
afterAll(async () => s?.close());

test("the dashboard is the first page after sign-in, and each module's unmapped count leads to tab 2 filtered to it", async () => {
  const { page } = s;
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/dashboard");
  const { status, data } = await api<{ modules: DashboardModule[] }>(page, "GET", "/dashboard");
  expect(status).toBe(200);
  const ready = data.modules.filter((m) => m.state === "ready");
  expect(ready.length).toBeGreaterThan(0);

  const table = page.getByRole("table", { name: "Modules" });
  await table.waitFor();
  for (const module of data.modules) {
    const row = table.locator(`tr[data-module-key="${module.key}"]`);
    await row.getByRole("rowheader").filter({ hasText: module.name }).waitFor();
    if (module.lastSync) expect(await row.textContent()).toMatch(/Succeeded|Failed|Running/);
  }
  await screenshot(page, "dashboard");

  for (const module of ready) {
    await page.goto("/dashboard");
    const link = table.locator(`tr[data-module-key="${module.key}"]`).getByTestId("dashboard-unmapped");
    expect(await link.textContent()).toBe(module.unmapped.toLocaleString("en-US"));
    await link.click();
    await page.getByRole("tab", { name: "Map by Module Organization", selected: true }).waitFor();
    const url = new URL(page.url());
    expect(url.searchParams.get("moduleKey")).toBe(module.key);
    expect(url.searchParams.get("status")).toBe("unmapped");
    // The module list loads after the page: its select shows the filter once its options are there.
    await expect.poll(() => page.getByRole("combobox", { name: "Module" }).inputValue()).toBe(module.key);
    await expect.poll(() => page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("unmapped");
    if (module.unmapped > 0) {
      const noun = module.unmapped === 1 ? "module organization" : "module organizations";
      await page
        .getByRole("status")
        .filter({ hasText: `${module.unmapped.toLocaleString("en-US")} ${noun}` })
        .waitFor();
    }
  }
  expect(s.problems).toEqual([]);
});

test("the dashboard's reconciliation totals lead to the reconciliation rows of that state and period", async () => {
  const { page } = s;
  await page.goto("/dashboard");
  const { data } = await api<{
    periods: { key: string; isCurrent: boolean; totals: { state: string; rows: number }[] }[];
  }>(page, "GET", "/dashboard");
  expect(data.periods.map((p) => p.isCurrent)).toEqual([true, false]);
  const table = page.getByRole("table", { name: /^Reconciliation/ });
  await table.waitFor();
  for (const period of data.periods) {
    for (const total of period.totals.filter((t) => t.rows > 0)) {
      await page.goto("/dashboard");
      await table.locator(`tr[data-state="${total.state}"] a[data-period="${period.key}"]`).click();
      await page.getByRole("heading", { name: "Reconciliation", level: 1 }).waitFor();
      const url = new URL(page.url());
      expect(url.pathname).toBe("/billing/reconciliation");
      expect(url.searchParams.get("state")).toBe(total.state);
      expect(url.searchParams.get("period")).toBe(period.isCurrent ? null : period.key);
      await expect.poll(() => page.getByRole("combobox", { name: "State" }).inputValue()).toBe(total.state);
      const noun = total.rows === 1 ? "row" : "rows";
      await page
        .getByRole("status")
        .filter({ hasText: `${total.rows.toLocaleString("en-US")} ${noun}` })
        .waitFor();
    }
  }
  expect(s.problems).toEqual([]);
});
