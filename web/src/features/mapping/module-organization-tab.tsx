import { useState } from "react";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { Link, useSearchParams } from "../shell/router.tsx";
import { BulkMapBar } from "./bulk-map-bar.tsx";
import { useModuleOrganizationsQuery, useModulesQuery } from "./mapping-queries.ts";
import { ModuleOrganizationList } from "./module-organization-list.tsx";

const STATUSES = [
  { value: "", label: "Any status" },
  { value: "unmapped", label: "Unmapped" },
  { value: "mapped", label: "Mapped" },
  { value: "excluded", label: "Excluded" },
  { value: "missing", label: "Missing" },
];

/** Tab 2, "Map by Module Organization" (rule 5). Filters start from the URL (links from tab 1 and the summary). */
export function ModuleOrganizationTab() {
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const params = useSearchParams();
  const modules = useModulesQuery();
  const [moduleKey, setModuleKey] = useState(params.get("moduleKey") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [searchText, setSearchText] = useState(params.get("search") ?? "");
  const [needsAttention, setNeedsAttention] = useState(params.get("needsAttention") === "true");
  const [organizationId, setOrganizationId] = useState(params.get("organizationId") ?? "");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const search = useDebouncedValue(searchText.trim(), 250);
  const list = useModuleOrganizationsQuery({ moduleKey, status, search, needsAttention, organizationId });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const readyModules = (modules.data?.items ?? []).filter((m) => m.state === "ready");
  const plural = labels.moduleOrganizations.toLowerCase();

  return (
    <div className="tab-panel-inner">
      <div className="toolbar">
        <input
          type="search"
          className="input search-input"
          placeholder={`Search ${plural}…`}
          aria-label={`Search ${plural}`}
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
        />
        <select
          className="input"
          aria-label="Module"
          value={moduleKey}
          onChange={(event) => setModuleKey(event.target.value)}
        >
          <option value="">All modules</option>
          {readyModules.map((m) => (
            <option key={m.key} value={m.key}>
              {m.name}
            </option>
          ))}
        </select>
        <select
          className="input"
          aria-label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value)}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={needsAttention}
            onChange={(event) => setNeedsAttention(event.target.checked)}
          />
          Needs attention
        </label>
        {organizationId && (
          <span className="filter-chip">
            Mapped to{" "}
            <Link to={`/organizations/${encodeURIComponent(organizationId)}`}>
              this {labels.term.toLowerCase()}
            </Link>
            <button
              type="button"
              className="btn btn-icon"
              aria-label={`Clear the ${labels.term.toLowerCase()} filter`}
              onClick={() => setOrganizationId("")}
            >
              ×
            </button>
          </span>
        )}
        <span className="toolbar-spacer" />
        <span className="muted" role="status" aria-live="polite">
          {list.isFetching && !list.isFetchingNextPage ? "Updating…" : ""}
          {total !== undefined && !list.isFetching
            ? `${total.toLocaleString()} ${total === 1 ? labels.moduleOrganization.toLowerCase() : plural}`
            : ""}
        </span>
      </div>
      {canEditMappings && selected.size > 0 && (
        <BulkMapBar selected={selected} rows={rows} onDone={() => setSelected(new Set())} />
      )}
      {list.isPending && <Loading />}
      {list.isError && <ErrorBanner error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && rows.length === 0 && !list.isFetching && (
        <EmptyState>No {plural} match these filters.</EmptyState>
      )}
      {rows.length > 0 && (
        <ModuleOrganizationList
          rows={rows}
          total={total}
          canEdit={canEditMappings}
          selected={selected}
          onSelectedChange={setSelected}
          hasNextPage={list.hasNextPage}
          isFetchingNextPage={list.isFetchingNextPage}
          fetchNextPage={() => void list.fetchNextPage()}
        />
      )}
    </div>
  );
}
