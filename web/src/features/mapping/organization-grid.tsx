import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { type KeyboardEvent, useCallback, useLayoutEffect, useMemo, useRef } from "react";
import type { GridSort } from "../../../../src/domain/list-sorts.ts";
import type { GridColumn, GridPage, GridRow } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { ariaSortOf, SortButton } from "../common/sort-header.tsx";
import { type OffsetBlockSource, useOffsetBlocks, type WindowRow } from "../common/use-offset-blocks.ts";
import { VirtualTableBody } from "../common/virtual-table-body.tsx";
import { Link } from "../shell/router.tsx";
import { GridCell } from "./grid-cell.tsx";

interface OrganizationGridProps {
  columns: GridColumn[];
  source: OffsetBlockSource<GridPage>;
  /** Every row that matches the filters (from the first block): the virtualizer's size. */
  total: number;
  canEdit: boolean;
  /** The rows' order (server-side, in the URL); the organization column's header changes it. */
  sort: GridSort;
  onSort(sort: GridSort): void;
}

const ROW_HEIGHT = 36;
const ORG_WIDTH = 300;
const MODULE_WIDTH = 210;

type KeyHandler = (event: KeyboardEvent<HTMLElement>) => void;
type GridWindowRow = WindowRow<GridRow>;

const organizationIdOf = (row: GridRow) => row.organization.id;

/**
 * Tab 1's grid: the organization column sticks left, module columns scroll sideways. The virtualizer
 * knows every row from the start (`total`); rows are fetched in blocks of 100 by offset, only the
 * blocks of the visible window (plus a small overscan), cached per block and filters, and dropped from
 * the cache when far away. Rows not loaded yet show a placeholder. Arrow keys move between cells.
 */
export function OrganizationGrid(props: OrganizationGridProps) {
  const { columns, source, total, canEdit, sort, onSort } = props;
  // Sorted otherwise than by the tree, the list is flat: no indent under a parent that is not above.
  const isTree = sort === "name";
  const term = useTerm();
  // One labels object per term, so that memoized cells keep their props across renders.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow from the term alone
  const labels = useMemo(() => term, [term.term]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const blocks = useOffsetBlocks({
    source,
    total,
    rowHeight: ROW_HEIGHT,
    scrollRef,
    getRowId: organizationIdOf,
  });
  const { virtualizer, windowRows } = blocks;
  // The ARIA grid pattern (issue 13 point 15): the grid is one Tab stop. Every cell renders with
  // tabIndex -1; the cell last focused (or, when it scrolled away, the first one shown) gets 0.
  const activeCell = useRef("0:0");
  useLayoutEffect(() => rovingTabStop(scrollRef.current, activeCell.current));

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
  const tableColumns = useMemo<ColumnDef<GridWindowRow>[]>(
    () => [
      {
        id: "organization",
        header: labels.psaOrganization,
        cell: (ctx) => (
          <OrganizationCell
            row={ctx.row.original.row}
            index={ctx.row.original.index}
            onKeyDown={keyRef}
            isTree={isTree}
          />
        ),
      },
      ...columns.map<ColumnDef<GridWindowRow>>((column, colIndex) => ({
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
    [columnsKey, canEdit, labels, stableKeyDown, isTree],
  );
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
        onFocus={(event) => {
          const cell = (event.target as HTMLElement).dataset?.cell;
          if (!cell || cell === activeCell.current) return;
          activeCell.current = cell;
          rovingTabStop(scrollRef.current, cell);
        }}
      >
        <thead className="grid-header">
          <tr aria-rowindex={1}>
            {table.getHeaderGroups()[0]?.headers.map((header, index) => (
              <th
                key={header.id}
                scope="col"
                className={index === 0 ? "grid-th sticky-col" : "grid-th"}
                data-module-key={index === 0 ? undefined : header.id}
                aria-sort={
                  index === 0 ? (ariaSortOf(sort, "name") ?? ariaSortOf(sort, "psaId") ?? "none") : undefined
                }
                style={{ width: widthOf(index) }}
              >
                {index === 0 ? (
                  <>
                    <SortButton label={labels.psaOrganization} column="name" sort={sort} onSort={onSort} />
                    <SortButton label="PSA id" column="psaId" sort={sort} onSort={onSort} />
                  </>
                ) : (
                  flexRender(header.column.columnDef.header, header.getContext())
                )}
              </th>
            ))}
          </tr>
        </thead>
        <VirtualTableBody
          blocks={blocks}
          rows={tableRows}
          placeholderCell={{ className: "grid-td sticky-col", width: ORG_WIDTH }}
          renderRow={(row, item) => {
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
          }}
        />
      </table>
    </div>
  );
}

/** Makes the cell `active` (else the first cell shown) the grid's only Tab stop. */
function rovingTabStop(container: HTMLElement | null, active: string) {
  if (!container) return;
  const target =
    container.querySelector<HTMLElement>(`[data-cell="${active}"]`) ??
    container.querySelector<HTMLElement>("[data-cell]");
  for (const cell of container.querySelectorAll<HTMLElement>('[data-cell][tabindex="0"]')) {
    if (cell !== target) cell.tabIndex = -1;
  }
  if (target) target.tabIndex = 0;
}

function OrganizationCell(props: {
  row: GridRow;
  index: number;
  onKeyDown: { current: KeyHandler };
  isTree: boolean;
}) {
  const org = props.row.organization;
  return (
    <div className="org-cell" style={{ paddingLeft: props.isTree ? org.depth * 18 : 0 }}>
      {org.depth > 0 && (
        <span className="sub-marker" aria-hidden="true">
          ↳
        </span>
      )}
      <Link
        to={`/organizations/${encodeURIComponent(org.id)}`}
        className="org-link"
        data-cell={`${props.index}:0`}
        tabIndex={-1}
        onKeyDown={(event) => props.onKeyDown.current(event)}
      >
        {org.name}
      </Link>
      <span className="org-meta">
        {org.type}
        {!org.isActive && " · inactive"}
        {` · ${org.psaId}`}
      </span>
    </div>
  );
}
