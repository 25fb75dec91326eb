/**
 * The mapping page's state as it lives in the URL (issue 13: shareable, the back button works): the
 * tab, each tab's filters, search and sort, validated by the `/mapping` route's schema. Also the
 * links into it from the "Yet to be mapped" summary (point 9).
 */
import { z } from "zod";
import {
  GRID_SORTS,
  type GridSort,
  MODULE_ORGANIZATION_SORTS,
  type ModuleOrganizationSort,
} from "../../../../src/domain/list-sorts.ts";
import { choiceParam, flagParam, stringifySearch, textParam } from "../common/search-params.ts";

export type GridShow = "all" | "left-to-map" | "nothing-mapped";
export type WorklistScope = "active_customers" | "all_mappable";
export type MappingTab = "organizations" | "module-organizations";

const GRID_SHOWS = ["left-to-map", "nothing-mapped"] as const;
const STATUSES = ["unmapped", "mapped", "excluded", "missing"] as const;

const fields = z.object({
  tab: choiceParam(["module-organizations"]),
  search: textParam(),
  sort: z.string().optional().catch(undefined),
  // tab 1
  show: choiceParam(GRID_SHOWS),
  worklist: choiceParam(["active_customers", "all_mappable"]),
  worklistModule: textParam(64),
  // tab 2
  moduleKey: textParam(64),
  status: choiceParam(STATUSES),
  needsAttention: flagParam(),
  organizationId: textParam(),
});

/**
 * `/mapping`'s search params. A tab keeps only its own filters, and `sort` must be one of its
 * tab's orders (the default, `name`, is left out of the URL).
 */
export const mappingSearchSchema = fields.transform((s) => {
  const isTab2 = s.tab === "module-organizations";
  const sorts: readonly string[] = isTab2 ? MODULE_ORGANIZATION_SORTS : GRID_SORTS;
  const sort = s.sort && s.sort !== "name" && sorts.includes(s.sort) ? s.sort : undefined;
  return {
    tab: s.tab,
    search: s.search,
    sort: sort as GridSort | ModuleOrganizationSort | undefined,
    show: isTab2 ? undefined : s.show,
    worklist: isTab2 ? undefined : s.worklist,
    worklistModule: !isTab2 && s.worklist ? s.worklistModule : undefined,
    moduleKey: isTab2 ? s.moduleKey : undefined,
    status: isTab2 ? s.status : undefined,
    needsAttention: isTab2 ? s.needsAttention : undefined,
    organizationId: isTab2 ? s.organizationId : undefined,
  };
});

export type MappingSearch = z.infer<typeof mappingSearchSchema>;
export type MappingSearchInput = z.input<typeof mappingSearchSchema>;

export interface GridUrlState {
  search: string;
  show: GridShow;
  /** Rule 7's worklist rows: organizations of the scope with a pair left (in `worklistModule`, else any module). */
  worklist: WorklistScope | null;
  worklistModule: string | null;
  sort: GridSort;
}

/** Tab 1's state with its defaults filled in. */
export function readGridUrl(search: MappingSearch): GridUrlState {
  return {
    search: search.search ?? "",
    show: search.show ?? "all",
    worklist: search.worklist ?? null,
    worklistModule: search.worklistModule ?? null,
    sort: (search.sort as GridSort | undefined) ?? "name",
  };
}

/** Tab 1's state as search params (defaults left out). */
export function gridSearch(state: Partial<GridUrlState>): MappingSearchInput {
  return {
    search: state.search || undefined,
    show: state.show && state.show !== "all" ? state.show : undefined,
    worklist: state.worklist ?? undefined,
    worklistModule: state.worklist ? (state.worklistModule ?? undefined) : undefined,
    sort: state.sort && state.sort !== "name" ? state.sort : undefined,
  };
}

/** A link to tab 1 with this state. */
export function gridUrl(state: Partial<GridUrlState>): string {
  return `/mapping${stringifySearch(gridSearch(state))}`;
}

/** Tab 2 with its filters, as the summary's "not mapped" counts link to it. */
export function moduleOrganizationsUrl(filters: { moduleKey?: string; status?: string }): string {
  return `/mapping${stringifySearch({ tab: "module-organizations", moduleKey: filters.moduleKey, status: filters.status })}`;
}
