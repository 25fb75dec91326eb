import { getRouteApi } from "@tanstack/react-router";
import { useCallback, useMemo } from "react";
import { z } from "zod";
import type { ReconciliationState } from "../../../../src/domain/billing/reconciliation.ts";
import { RECONCILIATION_STATES } from "../../../../src/domain/billing/reconciliation.ts";
import {
  choiceParam,
  flagParam,
  offsetParam,
  periodParam,
  stringifySearch,
  textParam,
} from "../common/search-params.ts";

export const RECONCILIATION_PATH = "/billing/reconciliation";
export const SORTS = ["attention", "organization", "service", "difference", "money"] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 100;

/** The reconciliation view's filters: all of them live in the URL (links, back button, reload). */
export interface ReconciliationFilters {
  period: string;
  state: ReconciliationState | "";
  needsAttention: boolean;
  moduleKey: string;
  organizationId: string;
  psaServiceId: string;
  search: string;
  sort: Sort;
  offset: number;
}

const EMPTY: ReconciliationFilters = {
  period: "",
  state: "",
  needsAttention: false,
  moduleKey: "",
  organizationId: "",
  psaServiceId: "",
  search: "",
  sort: "attention",
  offset: 0,
};

/**
 * `/billing/reconciliation`'s search params (the router validates them): a value that does not fit
 * is dropped, so an old or hand-edited link still opens the view.
 */
export const reconciliationSearchSchema = z.object({
  period: periodParam(),
  state: choiceParam(
    RECONCILIATION_STATES as unknown as readonly [ReconciliationState, ...ReconciliationState[]],
  ),
  needsAttention: flagParam(),
  moduleKey: textParam(64),
  organizationId: textParam(),
  psaServiceId: textParam(),
  search: textParam(),
  sort: choiceParam(SORTS),
  offset: offsetParam(),
});

export type ReconciliationSearch = z.infer<typeof reconciliationSearchSchema>;

/** The view's filters with their defaults filled in. */
export function readFilters(search: ReconciliationSearch): ReconciliationFilters {
  return {
    ...EMPTY,
    ...Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined)),
  };
}

/** The URL of the view with these filters (defaults left out). */
export function reconciliationUrl(filters: Partial<ReconciliationFilters>): string {
  return `${RECONCILIATION_PATH}${stringifySearch(toSearch({ ...EMPTY, ...filters }))}`;
}

/** The filters as the API reads them (rows, export); empty ones left out. */
export function apiFilters(f: ReconciliationFilters) {
  return {
    period: f.period || undefined,
    state: f.state || undefined,
    needsAttention: f.needsAttention ? "true" : undefined,
    moduleKey: f.moduleKey || undefined,
    organizationId: f.organizationId || undefined,
    psaServiceId: f.psaServiceId || undefined,
    search: f.search || undefined,
    sort: f.sort,
  } as const;
}

/** The export link: every filtered row as CSV. */
export function exportUrl(f: ReconciliationFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(apiFilters(f))) if (value) params.set(key, value);
  return `/api/v1/reconciliation/export?${params.toString()}`;
}

const routeApi = getRouteApi("/billing/reconciliation");

/** The view's filters from the URL, and `update`, which moves the URL (one step Back undoes). */
export function useReconciliationFilters() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const filters = useMemo(() => readFilters(search), [search]);
  /**
   * Changes some filters; any change but the page's offset starts again at the first row. A choice
   * is a step of the browser's history; the search box's typing rewrites its own step.
   */
  const update = useCallback(
    (patch: Partial<ReconciliationFilters>) => {
      const next = { ...filters, ...patch };
      if (!("offset" in patch)) next.offset = 0;
      const onlySearch = Object.keys(patch).every((key) => key === "search");
      void navigate({ search: toSearch(next), replace: onlySearch });
    },
    [filters, navigate],
  );
  return { filters, update };
}

/** The filters as search params, defaults left out. */
function toSearch(filters: ReconciliationFilters): ReconciliationSearch {
  const search: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters))
    search[key] = value === EMPTY[key as keyof ReconciliationFilters] ? undefined : value;
  return search as ReconciliationSearch;
}
