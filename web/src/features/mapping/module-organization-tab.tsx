import { getRouteApi } from "@tanstack/react-router";
import { useEffect, useMemo, useState } from "react";
import type { ModuleOrganizationSort } from "../../../../src/domain/list-sorts.ts";
import type { ModuleOrganization } from "../../api/api-types.ts";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { useFirstBlock } from "../common/use-offset-blocks.ts";
import { Link } from "../shell/router.tsx";
import { BulkMapBar } from "./bulk-map-bar.tsx";
import type { MappingSearchInput } from "./grid-url.ts";
import { useModuleOrganizationSource, useModulesQuery } from "./mapping-queries.ts";
import { ModuleOrganizationList } from "./module-organization-list.tsx";

const STATUSES = [
  { value: "", label: "Any status" },
  { value: "unmapped", label: "Unmapped" },
  { value: "mapped", label: "Mapped" },
  { value: "excluded", label: "Excluded" },
  { value: "missing", label: "Missing" },
];

const routeApi = getRouteApi("/mapping");

/** Tab 2, "Map by Module Organization" (rule 5). Filters start from the URL (links from tab 1 and the summary). */
export function ModuleOrganizationTab() {
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const params = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const modules = useModulesQuery();
  // Filters live in the URL (shareable; Back restores them): a choice pushes a step, the search box
  // rewrites its own entry once it settles.
  const moduleKey = params.moduleKey ?? "";
  const status = params.status ?? "";
  const needsAttention = params.needsAttention ?? false;
  const organizationId = params.organizationId ?? "";
  const urlSearch = params.search ?? "";
  const sort = (params.sort as ModuleOrganizationSort | undefined) ?? "name";
  const setUrl = (changes: Partial<MappingSearchInput>, replace = false) =>
    void navigate({
      search: (prev) => ({ ...prev, ...changes, tab: "module-organizations" }) as MappingSearchInput,
      replace,
    });
  const [searchText, setSearchText] = useState(urlSearch);
  // The selected rows by id, as they were when selected: the selection outlives the blocks it came from.
  const [selected, setSelected] = useState<ReadonlyMap<string, ModuleOrganization>>(new Map());
  const search = useDebouncedValue(searchText.trim(), 250);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search moves the URL
  useEffect(() => {
    if (search !== urlSearch) setUrl({ search }, true);
  }, [search]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: Back or a link moved the URL's search
  useEffect(() => {
    if (urlSearch !== search) setSearchText(urlSearch);
  }, [urlSearch]);
  const filters = useMemo(
    () => ({
      moduleKey,
      status,
      search: urlSearch,
      needsAttention,
      organizationId,
      ...(sort !== "name" ? { sort } : {}),
    }),
    [moduleKey, status, urlSearch, needsAttention, organizationId, sort],
  );
  // The first block (rows 0-99) gives the total; the list fetches the other blocks it shows by offset.
  const source = useModuleOrganizationSource(filters);
  const list = useFirstBlock(source);
  const total = list.data?.total ?? list.data?.items.length ?? 0;
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
          onChange={(event) => setUrl({ moduleKey: event.target.value || undefined })}
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
          onChange={(event) =>
            setUrl({ status: (event.target.value || undefined) as MappingSearchInput["status"] })
          }
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
            onChange={(event) => setUrl({ needsAttention: event.target.checked || undefined })}
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
              onClick={() => setUrl({ organizationId: undefined })}
            >
              ×
            </button>
          </span>
        )}
        <span className="toolbar-spacer" />
        <span className="muted" role="status" aria-live="polite">
          {list.isFetching ? "Updating…" : ""}
          {list.data && !list.isFetching
            ? `${total.toLocaleString()} ${total === 1 ? labels.moduleOrganization.toLowerCase() : plural}`
            : ""}
        </span>
      </div>
      {canEditMappings && selected.size > 0 && (
        <BulkMapBar selected={selected} onDone={() => setSelected(new Map())} />
      )}
      {list.isPending && <Loading />}
      {list.isError && <ErrorBanner error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && total === 0 && !list.isFetching && (
        <EmptyState>No {plural} match these filters.</EmptyState>
      )}
      {list.data && total > 0 && (
        <ModuleOrganizationList
          source={source}
          total={total}
          canEdit={canEditMappings}
          selected={selected}
          onSelectedChange={setSelected}
          sort={sort}
          onSort={(next) => setUrl({ sort: next === "name" ? undefined : next })}
        />
      )}
    </div>
  );
}
