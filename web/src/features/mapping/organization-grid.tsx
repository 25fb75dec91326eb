import { useQueries, useQueryClient } from "@tanstack/react-query";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { GridColumn, GridRow } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { Link } from "../shell/router.tsx";
import { GridCell } from "./grid-cell.tsx";
import { GRID_BLOCK_SIZE, type GridFilters, gridBlockOptions } from "./mapping-queries.ts";

interface OrganizationGridProps {
  columns: GridColumn[];
  filters: GridFilters;
  /** Every row that matches the filters (from the first block): the virtualizer's size. */
  total: number;
  canEdit: boolean;
}

const ROW_HEIGHT = 36;
const ORG_WIDTH = 300;
const MODULE_WIDTH = 210;
/** Rows beyond the visible window whose block is fetched too (so a slow scroll rarely sees placeholders). */
const FETCH_OVERSCAN_ROWS = 30;
/** After a jump (scrollbar drag, End key), blocks are fetched once the window rests this long. */
const JUMP_SETTLE_MS = 90;
/** Blocks kept in the cache for this grid at most (observed ones always stay): about 3,000 rows. */
const MAX_CACHED_BLOCKS = 30;

type KeyHandler = (event: KeyboardEvent<HTMLElement>) => void;

/** A loaded row inside the virtual window, with its position in the whole list. */
interface WindowRow {
  index: number;
  row: GridRow;
}

/** The rows of each block of the window, in block order (undefined while a block is not loaded). */
function itemsOfBlocks(results: { data?: { items: GridRow[] } | undefined }[]) {
  return results.map((result) => result.data?.items);
}

interface BlockRange {
  from: number;
  to: number;
}

/**
 * Which blocks to fetch: those of the visible window, at once while the window moves to a block next
 * to the ones already wanted (a wheel or keyboard scroll), but only once it rests after a jump, so that
 * dragging the scrollbar across 40,000 rows does not fetch every block it passes.
 */
function useSettledBlocks(wanted: BlockRange): BlockRange {
  const [settled, setSettled] = useState(wanted);
  useEffect(() => {
    if (wanted.from === settled.from && wanted.to === settled.to) return;
    const isNear = wanted.from <= settled.to + 1 && wanted.to >= settled.from - 1;
    if (isNear) {
      setSettled(wanted);
      return;
    }
    const timer = setTimeout(() => setSettled(wanted), JUMP_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [wanted, settled]);
  return settled;
}

/**
 * Tab 1's grid: the organization column sticks left, module columns scroll sideways. The virtualizer
 * knows every row from the start (`total`); rows are fetched in blocks of 100 by offset, only the
 * blocks of the visible window (plus a small overscan), cached per block and filters, and dropped from
 * the cache when far away. Rows not loaded yet show a placeholder. Arrow keys move between cells.
 */
export function OrganizationGrid(props: OrganizationGridProps) {
  const { columns, filters, total, canEdit } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const term = useTerm();
  // One labels object per term, so that memoized cells keep their props across renders.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow from the term alone
  const labels = useMemo(() => term, [term.term]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const firstIndex = virtualItems[0]?.index ?? 0;
  const lastIndex = virtualItems.at(-1)?.index ?? 0;

  // New filters: back to the top.
  const filtersKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the filters change
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [filtersKey]);

  const lastBlock = Math.max(0, Math.ceil(total / GRID_BLOCK_SIZE) - 1);
  const wantedFrom = Math.floor(Math.max(0, firstIndex - FETCH_OVERSCAN_ROWS) / GRID_BLOCK_SIZE);
  const wantedTo = Math.min(lastBlock, Math.floor((lastIndex + FETCH_OVERSCAN_ROWS) / GRID_BLOCK_SIZE));
  const wanted = useMemo(() => ({ from: wantedFrom, to: wantedTo }), [wantedFrom, wantedTo]);
  const settled = useSettledBlocks(wanted);
  const blocks = useMemo(() => {
    const list: number[] = [];
    for (let block = wanted.from; block <= wanted.to; block++) list.push(block);
    return list;
  }, [wanted]);
  const blockItems = useQueries({
    queries: blocks.map((block) => ({
      ...gridBlockOptions(api, filters, block),
      // A block shows from the cache at once; it is fetched once the window rests on it.
      enabled: block >= settled.from && block <= settled.to,
    })),
    combine: itemsOfBlocks,
  });

  // Memory stays bounded: past MAX_CACHED_BLOCKS, the unobserved blocks farthest from the window go.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filters are represented by filtersKey
  useEffect(() => {
    const cache = queryClient.getQueryCache();
    const cached = cache.findAll({ queryKey: ["mapping-grid", filters, "block"] });
    if (cached.length <= MAX_CACHED_BLOCKS) return;
    const center = (settled.from + settled.to) / 2;
    const distance = (key: readonly unknown[]) => Math.abs(Number(key[3]) - center);
    const removable = cached
      .filter((query) => query.getObserversCount() === 0)
      .sort((a, b) => distance(b.queryKey) - distance(a.queryKey));
    for (const query of removable.slice(0, cached.length - MAX_CACHED_BLOCKS)) cache.remove(query);
  }, [settled, filtersKey, queryClient]);

  const onCellKeyDown: KeyHandler = (event) => {
    const [r, c] = (event.currentTarget.dataset.cell ?? "0:0").split(":").map(Number) as [number, number];
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 2);
    const ctrl = event.ctrlKey || event.metaKey;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [r - 1, c],
      ArrowDown: [r + 1, c],
      ArrowLeft: [r, c - 1],
      ArrowRight: [r, c + 1],
      // Ctrl+Home and Ctrl+End: first and last row (the grid pattern); the block there is fetched.
      Home: ctrl ? [0, 0] : [r, 0],
      End: ctrl ? [total - 1, columns.length] : [r, columns.length],
      PageUp: [Math.max(0, r - pageRows), c],
      PageDown: [Math.min(total - 1, r + pageRows), c],
    };
    const target = moves[event.key];
    if (!target) return;
    const [nr, nc] = target;
    if (nr < 0 || nr >= total || nc < 0 || nc > columns.length) return;
    event.preventDefault();
    const selector = `[data-cell="${nr}:${nc}"]`;
    const found = scrollRef.current?.querySelector<HTMLElement>(selector);
    if (found) {
      found.focus();
      return;
    }
    virtualizer.scrollToIndex(nr);
    // The row may still be a placeholder while its block loads: keep trying for a couple of seconds.
    let frames = 0;
    const tryFocus = () => {
      const cell = scrollRef.current?.querySelector<HTMLElement>(selector);
      if (cell) cell.focus({ preventScroll: false });
      else if (frames++ < 150) requestAnimationFrame(tryFocus);
    };
    requestAnimationFrame(tryFocus);
  };
  const keyRef = useRef(onCellKeyDown);
  keyRef.current = onCellKeyDown;
  const stableKeyDown = useCallback<KeyHandler>((event) => keyRef.current(event), []);

  // Column definitions must keep their identity across page fetches: flexRender renders each cell
  // function as a component, so a new function would remount every cell (and close an open picker).
  const columnsKey = columns.map((c) => `${c.moduleKey}\u0000${c.name}`).join("\u0001");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `columns` is represented by columnsKey
  const tableColumns = useMemo<ColumnDef<WindowRow>[]>(
    () => [
      {
        id: "organization",
        header: labels.psaOrganization,
        cell: (ctx) => (
          <OrganizationCell row={ctx.row.original.row} index={ctx.row.original.index} onKeyDown={keyRef} />
        ),
      },
      ...columns.map<ColumnDef<WindowRow>>((column, colIndex) => ({
        id: column.moduleKey,
        header: column.name,
        cell: (ctx) => (
          <GridCell
            row={ctx.row.original.row}
            column={column}
            canEdit={canEdit}
            labels={labels}
            coordinates={`${ctx.row.original.index}:${colIndex + 1}`}
            onKeyDown={stableKeyDown}
          />
        ),
      })),
    ],
    [columnsKey, canEdit, labels, stableKeyDown],
  );
  // The table sees the virtual window only: its row model is rebuilt per frame for ~40 rows, not for
  // every
  // loaded row. A row whose organization is already in the window (the list shifted between two
  // block fetches) waits as a placeholder for the refetch.
  // The array must keep its identity while nothing changes (a new one makes the table reset its state,
  // which renders again).
  const windowRows = useMemo(() => {
    const seen = new Set<string>();
    return virtualItems.flatMap((item) => {
      const block = Math.floor(item.index / GRID_BLOCK_SIZE) - wanted.from;
      const row = blockItems[block]?.[item.index % GRID_BLOCK_SIZE];
      if (!row || seen.has(row.organization.id)) return [];
      seen.add(row.organization.id);
      return [{ index: item.index, row }];
    });
  }, [virtualItems, blockItems, wanted.from]);
  const table = useReactTable({
    data: windowRows,
    columns: tableColumns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (windowRow) => windowRow.row.organization.id,
    // No paging in the table (the window is the page): nothing to reset when the window moves.
    autoResetPageIndex: false,
  });
  const tableRows = new Map(table.getRowModel().rows.map((row) => [row.original.index, row]));
  const width = ORG_WIDTH + columns.length * MODULE_WIDTH;
  const widthOf = (index: number) => (index === 0 ? ORG_WIDTH : MODULE_WIDTH);

  return (
    <div ref={scrollRef} className="grid-scroll" data-testid="organization-grid">
      <table
        className="vtable"
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: ARIA grid pattern, arrow keys move between cells
        role="grid"
        aria-label={labels.mapByOrganization}
        aria-rowcount={total + 1}
        aria-colcount={columns.length + 1}
        style={{ width }}
      >
        <thead className="grid-header">
          <tr aria-rowindex={1}>
            {table.getHeaderGroups()[0]?.headers.map((header, index) => (
              <th
                key={header.id}
                scope="col"
                className={index === 0 ? "grid-th sticky-col" : "grid-th"}
                data-module-key={index === 0 ? undefined : header.id}
                style={{ width: widthOf(index) }}
              >
                {flexRender(header.column.columnDef.header, header.getContext())}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((item) => {
            const row = tableRows.get(item.index);
            if (!row) {
              // Not loaded yet: a light row (one cell) until its block arrives.
              return (
                <tr
                  key={`placeholder-${item.index}`}
                  aria-rowindex={item.index + 2}
                  aria-busy="true"
                  className={`grid-row grid-placeholder${item.index % 2 ? " is-odd" : ""}`}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <td className="grid-td sticky-col" style={{ width: ORG_WIDTH }}>
                    <span className="placeholder-bar" aria-hidden="true" />
                  </td>
                </tr>
              );
            }
            const org = row.original.row.organization;
            return (
              <tr
                key={org.id}
                aria-rowindex={item.index + 2}
                className={`grid-row${item.index % 2 ? " is-odd" : ""}`}
                data-organization-id={org.id}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {row.getVisibleCells().map((cell, index) =>
                  index === 0 ? (
                    <th
                      key={cell.id}
                      scope="row"
                      className="grid-td sticky-col"
                      style={{ width: widthOf(index) }}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </th>
                  ) : (
                    <td
                      key={cell.id}
                      className="grid-td"
                      data-module-key={cell.column.id}
                      style={{ width: widthOf(index) }}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function OrganizationCell(props: { row: GridRow; index: number; onKeyDown: { current: KeyHandler } }) {
  const org = props.row.organization;
  return (
    <div className="org-cell" style={{ paddingLeft: org.depth * 18 }}>
      {org.depth > 0 && (
        <span className="sub-marker" aria-hidden="true">
          ↳
        </span>
      )}
      <Link
        to={`/organizations/${encodeURIComponent(org.id)}`}
        className="org-link"
        data-cell={`${props.index}:0`}
        onKeyDown={(event) => props.onKeyDown.current(event)}
      >
        {org.name}
      </Link>
      <span className="org-meta">
        {org.type}
        {!org.isActive && " · inactive"}
      </span>
    </div>
  );
}
