import { afterAll, beforeAll, expect, test } from "vitest";
import { api, type E2eSession, login, openBrowser, screenshot, VIEWER } from "./support/e2e-browser.ts";

interface ServiceMappingList {
  modules: { moduleKey: string; billingTypes: { key: string; serviceMapping: unknown }[] }[];
}

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, VIEWER, "/billing/service-mappings");
});
afterAll(async () => s?.close());

test("a viewer reads the service mappings but cannot change them", async () => {
  const { page } = s;
  await page.getByRole("heading", { name: "Billing services", level: 1 }).waitFor();
  const { data } = await api<ServiceMappingList>(page, "GET", "/service-mappings");
  const withTypes = data.modules.filter((m) => m.billingTypes.length > 0);
  expect(withTypes.length).toBeGreaterThan(0);
  for (const module of withTypes) {
    const section = page.locator(`section[data-module-key="${module.moduleKey}"]`);
    for (const type of module.billingTypes) {
      const line = section.locator(`tr[data-billing-type="${type.key}"]`);
      await line.waitFor();
      if (!type.serviceMapping) await line.getByTestId("no-service-mapping").waitFor();
    }
  }
  expect(await page.locator("main [aria-haspopup=listbox]").count()).toBe(0);
  expect(await page.getByRole("combobox", { name: /^Units policy/ }).count()).toBe(0);
  expect(await page.getByRole("button", { name: /^Remove the service mapping/ }).count()).toBe(0);
  await page.getByText("Only administrators can change service mappings.").waitFor();
  await screenshot(page, "billing-service-mappings-viewer");

  const [module] = withTypes;
  const write = await api(
    page,
    "PUT",
    `/service-mappings/${module?.moduleKey}/${module?.billingTypes[0]?.key}`,
    {
      psaServiceId: "1",
      policy: "latest",
    },
  );
  expect(write.status).toBe(403);
  expect(s.problems).toEqual([]);
});
