import { useState } from "react";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { ColumnChooser } from "./column-chooser.tsx";
import { useGridQuery } from "./mapping-queries.ts";
import { OrganizationGrid } from "./organization-grid.tsx";

/** Tab 1, "Map by Organization" (rule 4). */
export function OrganizationGridTab() {
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const [searchText, setSearchText] = useState("");
  const [unmappedOnly, setUnmappedOnly] = useState(false);
  const [hideMapped, setHideMapped] = useState(false);
  const search = useDebouncedValue(searchText.trim(), 250);
  const grid = useGridQuery({ search, unmappedOnly, hideMapped });
  const pages = grid.data?.pages ?? [];
  const columns = pages[0]?.columns ?? [];
  const rows = pages.flatMap((page) => page.items);
  const total = pages[0]?.total;

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
        <label className="checkbox">
          <input
            type="checkbox"
            checked={unmappedOnly}
            onChange={(event) => setUnmappedOnly(event.target.checked)}
          />
          Unmapped only
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={hideMapped}
            onChange={(event) => setHideMapped(event.target.checked)}
          />
          Hide mapped
        </label>
        <span className="toolbar-spacer" />
        <span className="muted" role="status" aria-live="polite">
          {grid.isFetching && !grid.isFetchingNextPage ? "Updating…" : ""}
          {total !== undefined && !grid.isFetching
            ? `${total.toLocaleString()} ${(total === 1 ? labels.term : labels.plural).toLowerCase()}`
            : ""}
        </span>
        <ColumnChooser columns={columns} />
      </div>
      {grid.isPending && <Loading />}
      {grid.isError && <ErrorBanner error={grid.error} onRetry={() => void grid.refetch()} />}
      {grid.data && columns.length === 0 && (
        <EmptyState>
          No module is ready for mapping yet. Turn on integrated billing on the Modules page and run a first
          sync.
        </EmptyState>
      )}
      {grid.data && columns.length > 0 && rows.length === 0 && !grid.isFetching && (
        <EmptyState>No {labels.plural.toLowerCase()} match these filters.</EmptyState>
      )}
      {grid.data && columns.length > 0 && rows.length > 0 && (
        <OrganizationGrid
          columns={columns}
          rows={rows}
          total={total}
          canEdit={canEditMappings}
          hasNextPage={grid.hasNextPage}
          isFetchingNextPage={grid.isFetchingNextPage}
          fetchNextPage={() => void grid.fetchNextPage()}
        />
      )}
    </div>
  );
}
