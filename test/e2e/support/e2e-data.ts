import type { Page } from "playwright-core";
import { api } from "./e2e-browser.ts";

export interface GridCellData {
  state: "empty" | "mapped" | "multiple" | "ignored";
  moduleOrganizations: { id: string; name: string }[];
}
export interface GridRowData {
  organization: { id: string; name: string; type: string; isActive: boolean; depth: number };
  cells: Record<string, GridCellData | undefined>;
}
export interface GridData {
  columns: { moduleKey: string; name: string }[];
  items: GridRowData[];
  total?: number | null;
}
export interface ModuleOrganizationData {
  id: string;
  name: string;
  moduleKey: string;
  mapping: { organizationId: string; organizationName: string } | null;
}

export async function grid(page: Page, query = "limit=200"): Promise<GridData> {
  const { status, data } = await api<GridData>(page, "GET", `/mapping-grid?${query}`);
  if (status !== 200) throw new Error(`GET /mapping-grid answered ${status}`);
  return data;
}

/** An organization row (optionally an active Customer) whose cell for some module is empty. */
export async function findEmptyCell(
  page: Page,
  options: { activeCustomer?: boolean; skip?: Set<string> } = {},
) {
  const data = await grid(page, "unmappedOnly=true&limit=200");
  for (const column of data.columns) {
    for (const row of data.items) {
      const org = row.organization;
      if (options.skip?.has(org.id)) continue;
      if (options.activeCustomer && !(org.type === "Customer" && org.isActive)) continue;
      if ((row.cells[column.moduleKey]?.state ?? "empty") === "empty") return { row, column };
    }
  }
  throw new Error("no organization with an empty cell in the demo data");
}

export async function moduleOrganizations(page: Page, query: string): Promise<ModuleOrganizationData[]> {
  const { status, data } = await api<{ items: ModuleOrganizationData[] }>(
    page,
    "GET",
    `/module-organizations?${query}`,
  );
  if (status !== 200) throw new Error(`GET /module-organizations answered ${status}`);
  return data.items;
}

/** Types the organization's name into tab 1's search and waits for its row. */
export async function showGridRow(page: Page, organization: { id: string; name: string }) {
  await page.locator("tr[data-organization-id]").first().waitFor();
  const searched = page.waitForResponse(
    (response) =>
      response.url().includes("/api/v1/mapping-grid?") &&
      new URL(response.url()).searchParams.get("search") === organization.name.trim(),
  );
  await page.getByRole("searchbox", { name: /^Search / }).fill(organization.name);
  await searched;
  const row = page.locator(`tr[data-organization-id="${organization.id}"]`);
  await row.waitFor();
  return row;
}
