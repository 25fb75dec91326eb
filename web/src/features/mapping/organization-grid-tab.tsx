import { useMemo, useState } from "react";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useDebouncedValue } from "../common/use-debounced-value.ts";
import { useFirstBlock } from "../common/use-offset-blocks.ts";
import { ColumnChooser } from "./column-chooser.tsx";
import { useGridSource } from "./mapping-queries.ts";
import { OrganizationGrid } from "./organization-grid.tsx";

/** Tab 1, "Map by Organization" (rule 4). */
export function OrganizationGridTab() {
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const [searchText, setSearchText] = useState("");
  const [unmappedOnly, setUnmappedOnly] = useState(false);
  const [hideMapped, setHideMapped] = useState(false);
  const search = useDebouncedValue(searchText.trim(), 250);
  const filters = useMemo(() => ({ search, unmappedOnly, hideMapped }), [search, unmappedOnly, hideMapped]);
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
          {grid.isFetching ? "Updating…" : ""}
          {grid.data && !grid.isFetching
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
      {grid.data && columns.length > 0 && total === 0 && !grid.isFetching && (
        <EmptyState>No {labels.plural.toLowerCase()} match these filters.</EmptyState>
      )}
      {grid.data && columns.length > 0 && total > 0 && (
        <OrganizationGrid columns={columns} source={source} total={total} canEdit={canEditMappings} />
      )}
    </div>
  );
}
