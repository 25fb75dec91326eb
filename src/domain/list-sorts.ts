/**
 * The orders the mapping lists and the history can be read in (issue 13: sort lives in the URL and
 * is done by the server, so paging by offset never repeats or skips a row). One list of names for
 * the API's zod schemas and the web's URL schemas. A leading "-" is the descending order. Every
 * order ends on the row's id, so two rows never tie.
 */

/** Tab 1 (Map by Organization). `name` is the tree order: sub-organizations under their parent. */
export const GRID_SORTS = ["name", "-name", "psaId", "-psaId"] as const;
export type GridSort = (typeof GRID_SORTS)[number];

/**
 * Tab 2 (Map by Module Organization). `name` is the tree order; `module` is by module, each in tree
 * order; `organization` is by the mapped organization's name, unmapped rows last.
 */
export const MODULE_ORGANIZATION_SORTS = [
  "name",
  "-name",
  "module",
  "-module",
  "organization",
  "-organization",
] as const;
export type ModuleOrganizationSort = (typeof MODULE_ORGANIZATION_SORTS)[number];

/** History: newest first (the default) or oldest first. */
export const HISTORY_SORTS = ["-at", "at"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];

/** The column a sort is on, and its direction (for aria-sort). */
export function sortParts<T extends string>(sort: T): { column: string; isDescending: boolean } {
  return sort.startsWith("-")
    ? { column: sort.slice(1), isDescending: true }
    : { column: sort, isDescending: false };
}
