/**
 * Tab 1's filters as they live in the URL (issue 13: shareable, the back button works), and the
 * links into them from the "Yet to be mapped" summary (point 9).
 */
export type GridShow = "all" | "left-to-map" | "nothing-mapped";
export type WorklistScope = "active_customers" | "all_mappable";

export interface GridUrlState {
  search: string;
  show: GridShow;
  /** Rule 7's worklist rows: organizations of the scope with a pair left (in `worklistModule`, else any module). */
  worklist: WorklistScope | null;
  worklistModule: string | null;
}

const SHOWS: readonly GridShow[] = ["all", "left-to-map", "nothing-mapped"];

export function readGridUrl(params: URLSearchParams): GridUrlState {
  const show = params.get("show");
  const worklist = params.get("worklist");
  return {
    search: params.get("search") ?? "",
    show: SHOWS.includes(show as GridShow) ? (show as GridShow) : "all",
    worklist: worklist === "active_customers" || worklist === "all_mappable" ? worklist : null,
    worklistModule: params.get("worklistModule") || null,
  };
}

export function gridUrl(state: Partial<GridUrlState>): string {
  const params = new URLSearchParams();
  if (state.search) params.set("search", state.search);
  if (state.show && state.show !== "all") params.set("show", state.show);
  if (state.worklist) params.set("worklist", state.worklist);
  if (state.worklist && state.worklistModule) params.set("worklistModule", state.worklistModule);
  const query = params.toString();
  return `/mapping${query ? `?${query}` : ""}`;
}

/** Tab 2 with its filters, as the summary's "not mapped" counts link to it. */
export function moduleOrganizationsUrl(filters: { moduleKey?: string; status?: string }): string {
  const params = new URLSearchParams({ tab: "module-organizations" });
  if (filters.moduleKey) params.set("moduleKey", filters.moduleKey);
  if (filters.status) params.set("status", filters.status);
  return `/mapping?${params.toString()}`;
}
