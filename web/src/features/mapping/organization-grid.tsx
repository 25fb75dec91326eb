import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef } from "react";
import type { GridColumn, GridRow } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { Link } from "../shell/router.tsx";
import { GridCell } from "./grid-cell.tsx";

interface OrganizationGridProps {
  columns: GridColumn[];
  rows: GridRow[];
  total: number | undefined;
  canEdit: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): void;
}

const ROW_HEIGHT = 36;
const ORG_WIDTH = 300;
const MODULE_WIDTH = 210;

type KeyHandler = (event: KeyboardEvent<HTMLElement>) => void;

/** A loaded row inside the virtual window, with its position in the whole list. */
interface WindowRow {
  index: number;
  row: GridRow;
}

/**
 * Tab 1's grid: the organization column sticks left, module columns scroll sideways, rows are
 * virtualized and the next page is fetched as the user scrolls near the end. Arrow keys move between cells.
 */
export function OrganizationGrid(props: OrganizationGridProps) {
  const { rows, columns, canEdit, hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  const term = useTerm();
  // One labels object per term, so that memoized cells keep their props across renders.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow from the term alone
  const labels = useMemo(() => term, [term.term]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const onCellKeyDown: KeyHandler = (event) => {
    const [r, c] = (event.currentTarget.dataset.cell ?? "0:0").split(":").map(Number) as [number, number];
    const moves: Record<string, [number, number]> = {
      ArrowUp: [r - 1, c],
      ArrowDown: [r + 1, c],
      ArrowLeft: [r, c - 1],
      ArrowRight: [r, c + 1],
      Home: [r, 0],
      End: [r, columns.length],
    };
    const target = moves[event.key];
    if (!target) return;
    const [nr, nc] = target;
    if (nr < 0 || nr >= rows.length || nc < 0 || nc > columns.length) return;
    event.preventDefault();
    const selector = `[data-cell="${nr}:${nc}"]`;
    const found = scrollRef.current?.querySelector<HTMLElement>(selector);
    if (found) found.focus();
    else {
      virtualizer.scrollToIndex(nr);
      requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(selector)?.focus());
    }
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
  // every loaded row each time a page arrives (tens of thousands after a long scroll).
  const windowRows = useMemo(
    () =>
      virtualItems.flatMap((item) => {
        const row = rows[item.index];
        return row ? [{ index: item.index, row }] : [];
      }),
    [virtualItems, rows],
  );
  const table = useReactTable({
    data: windowRows,
    columns: tableColumns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (windowRow) => windowRow.row.organization.id,
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
        aria-rowcount={(props.total ?? rows.length) + 1}
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
              return (
                <tr
                  key="loader"
                  className="grid-row grid-loader"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <td className="sticky-col">Loading more…</td>
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
