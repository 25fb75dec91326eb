import { afterAll, beforeAll, expect, test } from "vitest";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../vendors/autotask.server.ts";
import type { AutotaskCompanyStore } from "../vendors/autotask-companies.server.ts";
import { generatedResources } from "../vendors/autotask-resources.server.ts";
import type { VendorServer } from "../vendors/vendor-server.ts";
import {
  ADMIN,
  api,
  type E2eSession,
  eventually,
  login,
  openBrowser,
  screenshot,
} from "./support/e2e-browser.ts";
import { moduleOrganizations } from "./support/e2e-data.ts";

/**
 * "Create in Autotask" end to end (issue 14 item 5): the instance's PSA connection is pointed at an
 * emulated Autotask started by this test (and put back afterwards), an admin creates the company
 * of an unmapped module organization from tab 2, and the row is mapped to it at once.
 */
let s: E2eSession;
let autotask: VendorServer;
const store: AutotaskCompanyStore = { created: [] };
let previous: { kind: string; settings: Record<string, unknown> } | null = null;

beforeAll(async () => {
  autotask = await startAutotaskServer({ count: 5, companies: store, resources: generatedResources(3) });
  s = await openBrowser();
  await login(s.page, ADMIN);
  const psa = await api<{ connector: { kind: string; settings: Record<string, unknown> } | null }>(
    s.page,
    "GET",
    "/psa",
  );
  previous = psa.data.connector;
  const set = await api(s.page, "PATCH", "/psa", {
    connector: { kind: "autotask", settings: { baseUrl: autotask.url }, secrets: AUTOTASK_TEST_CREDENTIALS },
  });
  expect(set.status).toBe(200);
});
afterAll(async () => {
  if (s && previous) {
    await api(s.page, "PATCH", "/psa", { connector: { ...previous, secrets: {} } });
  }
  await s?.close();
  await autotask?.close();
});

test("an admin creates an unmapped module organization's company in Autotask and it is mapped at once", async () => {
  const { page } = s;
  const [row] = await moduleOrganizations(page, "status=unmapped&limit=1&orderBy=unmappedFirst");
  if (!row) throw new Error("no unmapped module organization");
  const name = `E2E Created ${Date.now()}`;

  await page.goto(`/mapping?tab=module-organizations&status=unmapped&search=${encodeURIComponent(row.name)}`);
  const line = page.locator(`tr[data-module-organization-id="${row.id}"]`);
  await line.waitFor();
  await line.getByRole("button", { name: `Create ${row.name} in Autotask` }).click();
  const dialog = page.getByRole("dialog", { name: `Create in Autotask: ${row.name}` });
  const form = dialog.getByRole("form", { name: "New Autotask organization" });
  await form.getByLabel("Name").waitFor();
  expect(await form.getByLabel("Name").inputValue()).toBe(row.name.slice(0, 100));
  expect(await form.getByLabel("Type").inputValue()).toBe("Customer");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel(/Phone/).fill("+1 555 0100");
  // The owner is chosen among Autotask's active resources (the inactive one is not offered).
  const owner = form.getByLabel(/^Owner/);
  expect(await owner.locator("option").allTextContents()).toEqual([
    "Choose an active resource…",
    "Owner000 Example (owner0@msp.example) · id 29682885",
    "Owner001 Example (owner1@msp.example) · id 29682886",
    "Owner002 Example (owner2@msp.example) · id 29682887",
  ]);
  await owner.selectOption("29682886");
  await screenshot(page, "create-in-psa-form");
  await dialog.getByRole("button", { name: "Create and map" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `Created ${name} in Autotask` })
    .waitFor();
  await screenshot(page, "create-in-psa-done");

  expect(store.created.map((c) => [c.companyName, c.ownerResourceID])).toEqual([[name, 29682886]]);
  const mapped = await eventually(async () => {
    const items = await moduleOrganizations(page, `search=${encodeURIComponent(row.name)}&limit=50`);
    return items.find((item) => item.id === row.id)?.mapping?.organizationName === name;
  });
  expect(mapped).toBe(true);
  expect(s.problems).toEqual([]);
});

test("where an admin's search in the organization picker finds nothing, it offers Create in Autotask", async () => {
  const { page } = s;
  const [row] = await moduleOrganizations(page, "status=unmapped&limit=1&orderBy=unmappedFirst");
  if (!row) throw new Error("no unmapped module organization");
  const name = `E2E From Search ${Date.now()}`;

  await page.goto(`/mapping?tab=module-organizations&status=unmapped&search=${encodeURIComponent(row.name)}`);
  const line = page.locator(`tr[data-module-organization-id="${row.id}"]`);
  await line.waitFor();
  await line.getByRole("button", { name: `for ${row.name}: not mapped` }).click();
  await page.locator("input.combobox-input").fill("zz no such organization qq");
  await page.getByText("No matches").waitFor();
  await page.getByRole("button", { name: "Create in Autotask", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Create in Autotask: ${row.name}` });
  const form = dialog.getByRole("form", { name: "New Autotask organization" });
  await form.getByLabel("Name").waitFor();
  await form.getByLabel("Name").fill(name);
  await form.getByLabel(/Phone/).fill("+1 555 0101");
  await form.getByLabel(/^Owner/).selectOption("29682885");
  await screenshot(page, "create-in-psa-from-search");
  await dialog.getByRole("button", { name: "Create and map" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `Created ${name} in Autotask` })
    .waitFor();

  expect(store.created.map((c) => c.companyName)).toContain(name);
  const mapped = await eventually(async () => {
    const items = await moduleOrganizations(page, `search=${encodeURIComponent(row.name)}&limit=50`);
    return items.find((item) => item.id === row.id)?.mapping?.organizationName === name;
  });
  expect(mapped).toBe(true);
  expect(s.problems).toEqual([]);
});
