import { useCallback, useMemo } from "react";
import type { ReconciliationState } from "../../../../src/domain/billing/reconciliation.ts";
import { RECONCILIATION_STATES } from "../../../../src/domain/billing/reconciliation.ts";
import { useRouter, useSearchParams } from "../shell/router.tsx";

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

export function readFilters(params: URLSearchParams): ReconciliationFilters {
  const state = params.get("state") ?? "";
  const sort = params.get("sort") ?? "attention";
  const offset = Number(params.get("offset") ?? 0);
  return {
    period: /^\d{4}-\d{2}$/.test(params.get("period") ?? "") ? (params.get("period") as string) : "",
    state: (RECONCILIATION_STATES as readonly string[]).includes(state) ? (state as ReconciliationState) : "",
    needsAttention: params.get("needsAttention") === "true",
    moduleKey: params.get("moduleKey") ?? "",
    organizationId: params.get("organizationId") ?? "",
    psaServiceId: params.get("psaServiceId") ?? "",
    search: params.get("search") ?? "",
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : "attention",
    offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The URL of the view with these filters (defaults left out). */
export function reconciliationUrl(filters: Partial<ReconciliationFilters>): string {
  const params = new URLSearchParams();
  const full = { ...EMPTY, ...filters };
  for (const [key, value] of Object.entries(full)) {
    if (value === EMPTY[key as keyof ReconciliationFilters]) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `${RECONCILIATION_PATH}${qs ? `?${qs}` : ""}`;
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

export function useReconciliationFilters() {
  const params = useSearchParams();
  const { navigate } = useRouter();
  const filters = useMemo(() => readFilters(params), [params]);
  /** Changes some filters; any change but the page's offset starts again at the first row. */
  const update = useCallback(
    (patch: Partial<ReconciliationFilters>) => {
      const next = { ...filters, ...patch };
      if (!("offset" in patch)) next.offset = 0;
      navigate(reconciliationUrl(next), { replace: true });
    },
    [filters, navigate],
  );
  return { filters, update };
}
