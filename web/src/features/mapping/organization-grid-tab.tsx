import { getRouteApi } from "@tanstack/react-router";
import { useEffect, useMemo, useState } from "react";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { useFirstBlock } from "../common/use-offset-blocks.ts";
import { ColumnChooser } from "./column-chooser.tsx";
import { type GridShow, gridSearch, readGridUrl } from "./grid-url.ts";
import { useGridSource } from "./mapping-queries.ts";
import { OrganizationGrid } from "./organization-grid.tsx";
import { UnmappableMatches } from "./unmappable-matches.tsx";

const routeApi = getRouteApi("/mapping");

/** Tab 1, "Map by Organization" (rule 4). */
export function OrganizationGridTab() {
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const navigate = routeApi.useNavigate();
  const url = readGridUrl(routeApi.useSearch());
  const [searchText, setSearchText] = useState(url.search);
  const search = useDebouncedValue(searchText.trim(), 250);
  // Filters live in the URL (shareable; Back restores them). A choice is a step back can undo; the
  // search box rewrites its own entry once it settles, so typing leaves no trail of letters.
  const setUrl = (next: Partial<typeof url>, options = { replace: false }) =>
    void navigate({ search: gridSearch({ ...url, ...next }), ...options });
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search moves the URL
  useEffect(() => {
    if (search !== url.search) setUrl({ search }, { replace: true });
  }, [search]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: Back or a link moved the URL's search
  useEffect(() => {
    if (url.search !== search) setSearchText(url.search);
  }, [url.search]);
  const filters = useMemo(
    () => ({
      search: url.search,
      unmappedOnly: url.show === "nothing-mapped",
      hideMapped: url.show === "left-to-map",
      ...(url.worklist ? { worklist: url.worklist } : {}),
      ...(url.worklist && url.worklistModule ? { worklistModule: url.worklistModule } : {}),
      ...(url.sort !== "name" ? { sort: url.sort } : {}),
    }),
    [url.search, url.show, url.worklist, url.worklistModule, url.sort],
  );
  // The first block (rows 0-99) gives the total and the columns; the grid fetches the other blocks
  // it shows by offset.
  const source = useGridSource(filters);
  const grid = useFirstBlock(source);
  const columns = grid.data?.columns ?? [];
  const total = grid.data?.total ?? grid.data?.items.length ?? 0;

  return (
    <div className="tab-panel-inner">
      <div className="toolbar">
        <input
          type="search"
          className="input search-input"
          placeholder={`Search ${labels.plural.toLowerCase()}…`}
          aria-label={`Search ${labels.plural.toLowerCase()}`}
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
        />
        <label className="field-inline">
          <span>Show</span>
          <select
            className="input"
            value={url.show}
            onChange={(event) => setUrl({ show: event.target.value as GridShow })}
            aria-describedby="grid-show-help"
          >
            <option value="all">Every {labels.term.toLowerCase()}</option>
            <option value="left-to-map">Only with a module left to map</option>
            <option value="nothing-mapped">Only with nothing mapped yet</option>
          </select>
        </label>
        <span id="grid-show-help" className="sr-only">
          A module is left to map when it has neither a mapping nor an ignore for the{" "}
          {labels.term.toLowerCase()}.
        </span>
        {url.worklist && (
          <span className="filter-chip" data-testid="worklist-chip">
            {url.worklist === "active_customers" ? "Active customers" : labels.plural} with{" "}
            {url.worklistModule
              ? `${columns.find((c) => c.moduleKey === url.worklistModule)?.name ?? url.worklistModule}`
              : "a module"}{" "}
            left to map
            <button
              type="button"
              className="btn btn-icon"
              aria-label="Clear the left-to-map filter"
              onClick={() => setUrl({ worklist: null, worklistModule: null })}
            >
              ×
            </button>
          </span>
        )}
        <span className="toolbar-spacer" />
        <span className="muted" role="status" aria-live="polite">
          {grid.isFetching ? "Updating…" : ""}
          {grid.data && !grid.isFetching
            ? `${total.toLocaleString()} ${(total === 1 ? labels.term : labels.plural).toLowerCase()}`
            : ""}
        </span>
        <ColumnChooser columns={columns} />
      </div>
      {url.search && <UnmappableMatches search={url.search} />}
      {grid.isPending && <Loading />}
      {grid.isError && <ErrorBanner error={grid.error} onRetry={() => void grid.refetch()} />}
      {grid.data && columns.length === 0 && (
        <EmptyState>
          No module is ready for mapping yet. Turn on integrated billing on the Modules page and run a first
          sync.
        </EmptyState>
      )}
      {grid.data && columns.length > 0 && total === 0 && !grid.isFetching && (
        <EmptyState>No {labels.plural.toLowerCase()} match these filters.</EmptyState>
      )}
      {grid.data && columns.length > 0 && total > 0 && (
        <OrganizationGrid
          columns={columns}
          source={source}
          total={total}
          canEdit={canEditMappings}
          sort={url.sort}
          onSort={(sort) => setUrl({ sort })}
        />
      )}
    </div>
  );
}
