import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { RECONCILIATION_STATES } from "../../../../src/domain/billing/reconciliation.ts";
import { useApi } from "../../api/api-context.tsx";
import { useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { useModulesQuery } from "../mapping/mapping-queries.ts";
import "./billing.css";
import { periodName, periodsBefore, stateWords, units } from "./billing-format.ts";
import {
  RECONCILIATION_KEY,
  useRefetchReconciliationAfterWrites,
  useServiceMappings,
} from "./billing-queries.ts";
import {
  apiFilters,
  exportUrl,
  PAGE_SIZE,
  SORTS,
  type Sort,
  useReconciliationFilters,
} from "./reconciliation-filters.ts";
import { ReconciliationTable } from "./reconciliation-table.tsx";
import { ReconciliationTotals } from "./reconciliation-totals.tsx";

const SORT_WORDS: Record<Sort, string> = {
  attention: "What needs attention first",
  organization: "Name",
  service: "Service",
  difference: "Largest difference",
  money: "Most money",
};

/** Reconciliation (issue 9 item 6, rule 14): per period what each organization should be billed, against the PSA. */
export function ReconciliationPage() {
  const api = useApi();
  const labels = useTerm();
  const { filters, update } = useReconciliationFilters();
  useRefetchReconciliationAfterWrites();
  const modules = useModulesQuery();
  const serviceMappings = useServiceMappings();
  const [searchText, setSearchText] = useState(filters.search);
  const search = useDebouncedValue(searchText.trim(), 300);
  // The box follows the URL (a totals link clears the search) and the URL follows the typing.
  const lastSearch = useRef(filters.search);
  useEffect(() => {
    if (filters.search === lastSearch.current) return;
    lastSearch.current = filters.search;
    setSearchText(filters.search);
  }, [filters.search]);
  useEffect(() => {
    if (search === lastSearch.current) return;
    lastSearch.current = search;
    update({ search });
  }, [search, update]);

  const summary = useQuery({
    queryKey: [...RECONCILIATION_KEY, "summary", filters.period, filters.moduleKey],
    queryFn: () =>
      api.request("GET /reconciliation/summary", {
        query: { period: filters.period || undefined, moduleKey: filters.moduleKey || undefined },
      }),
  });
  const rows = useQuery({
    queryKey: [...RECONCILIATION_KEY, "rows", filters],
    queryFn: () =>
      api.request("GET /reconciliation", {
        query: { ...apiFilters(filters), limit: PAGE_SIZE, offset: filters.offset },
      }),
    placeholderData: keepPreviousData,
  });

  const currentKey = summary.data?.period.key ?? filters.period;
  const periodKeys = useMemo(() => {
    const anchor = summary.data?.period.isCurrent ? summary.data.period.key : undefined;
    const keys = anchor ? periodsBefore(anchor, 13) : currentKey ? periodsBefore(currentKey, 1) : [];
    return currentKey && !keys.includes(currentKey) ? [currentKey, ...keys] : keys;
  }, [summary.data, currentKey]);
  const services = useMemo(() => {
    const byId = new Map<string, string>();
    for (const m of serviceMappings.data?.modules ?? [])
      for (const b of m.billingTypes)
        if (b.serviceMapping) byId.set(b.serviceMapping.psaServiceId, b.serviceMapping.psaServiceName);
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [serviceMappings.data]);
  const locale = rows.data?.locale ?? summary.data?.locale ?? "en-US";
  const total = rows.data?.total ?? 0;
  const organizationName =
    filters.organizationId &&
    rows.data?.items.find((r) => r.organization?.id === filters.organizationId)?.organization?.name;

  return (
    <div className="page page-wide">
      <div className="page-head">
        <h1>Reconciliation</h1>
        <span className="toolbar-spacer" />
        <div className="period-chooser">
          <button
            type="button"
            className="btn btn-small"
            disabled={!summary.data}
            onClick={() => summary.data && update({ period: summary.data.period.previousKey })}
          >
            ‹ Previous period
          </button>
          <label>
            <span className="sr-only">Period</span>
            <select
              className="input"
              aria-label="Period"
              value={currentKey}
              onChange={(event) => update({ period: event.target.value })}
            >
              {periodKeys.map((key) => (
                <option key={key} value={key}>
                  {periodName(key, locale)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn btn-small"
            disabled={!summary.data || summary.data.period.isCurrent}
            onClick={() => summary.data && update({ period: summary.data.period.nextKey })}
          >
            Next period ›
          </button>
          {summary.data && <span className="muted small">{summary.data.period.timeZone}</span>}
        </div>
      </div>
      {summary.isPending && <Loading label="Adding up the period…" />}
      {summary.isError && <ErrorBanner error={summary.error} onRetry={() => void summary.refetch()} />}
      {summary.data && <ReconciliationTotals summary={summary.data} filters={filters} labels={labels} />}

      <section className="billing-section" aria-labelledby="reconciliation-rows">
        <h2 id="reconciliation-rows">Rows per {labels.term.toLowerCase()} and service</h2>
        <div className="toolbar">
          <input
            type="search"
            className="input search-input"
            aria-label={`Search ${labels.plural.toLowerCase()}, services, ${labels.moduleOrganizations.toLowerCase()} and billing types`}
            placeholder={`Search ${labels.plural.toLowerCase()}, services…`}
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
          />
          <select
            className="input"
            aria-label="State"
            value={filters.state}
            onChange={(event) => update({ state: event.target.value as typeof filters.state })}
          >
            <option value="">Every state</option>
            {RECONCILIATION_STATES.map((state) => (
              <option key={state} value={state}>
                {stateWords(state, labels)}
              </option>
            ))}
          </select>
          <select
            className="input"
            aria-label="Module"
            value={filters.moduleKey}
            onChange={(event) => update({ moduleKey: event.target.value })}
          >
            <option value="">All modules</option>
            {(modules.data?.items ?? []).map((m) => (
              <option key={m.key} value={m.key}>
                {m.name}
              </option>
            ))}
          </select>
          <select
            className="input"
            aria-label="PSA service"
            value={filters.psaServiceId}
            onChange={(event) => update({ psaServiceId: event.target.value })}
          >
            <option value="">All services</option>
            {services.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={filters.needsAttention}
              onChange={(event) => update({ needsAttention: event.target.checked })}
            />
            Needs attention
          </label>
          <select
            className="input"
            aria-label="Sort"
            value={filters.sort}
            onChange={(event) => update({ sort: event.target.value as Sort })}
          >
            {SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_WORDS[sort]}
              </option>
            ))}
          </select>
          {filters.organizationId && (
            <span className="filter-chip">
              Only {organizationName ?? `this ${labels.term.toLowerCase()}`}
              <button
                type="button"
                className="btn btn-icon"
                aria-label={`Clear the ${labels.term.toLowerCase()} filter`}
                onClick={() => update({ organizationId: "" })}
              >
                ×
              </button>
            </span>
          )}
          <span className="toolbar-spacer" />
          <a className="btn" href={exportUrl(filters)} download>
            Export CSV
          </a>
          <span className="muted" role="status" aria-live="polite">
            {rows.isFetching
              ? "Updating…"
              : rows.data
                ? `${units(total, locale)} ${total === 1 ? "row" : "rows"}`
                : ""}
          </span>
        </div>
        {rows.isPending && <Loading />}
        {rows.isError && <ErrorBanner error={rows.error} onRetry={() => void rows.refetch()} />}
        {rows.data && total === 0 && <EmptyState>No rows match these filters.</EmptyState>}
        {rows.data && total > 0 && (
          <>
            <ReconciliationTable
              page={rows.data}
              labels={labels}
              period={filters.period}
              onOnlyOrganization={(organizationId) => update({ organizationId })}
              sort={filters.sort}
              onSort={(sort) => update({ sort })}
            />
            <nav className="billing-pager" aria-label="Pages of rows">
              <button
                type="button"
                className="btn btn-small"
                disabled={filters.offset === 0}
                onClick={() => update({ offset: Math.max(0, filters.offset - PAGE_SIZE) })}
              >
                ‹ Previous rows
              </button>
              <span>
                Rows {units(rows.data.offset + 1, locale)}–
                {units(rows.data.offset + rows.data.items.length, locale)} of {units(total, locale)}
              </span>
              <button
                type="button"
                className="btn btn-small"
                disabled={rows.data.offset + rows.data.items.length >= total}
                onClick={() => update({ offset: filters.offset + PAGE_SIZE })}
              >
                Next rows ›
              </button>
            </nav>
          </>
        )}
      </section>
    </div>
  );
}
