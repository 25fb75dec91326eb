import { useQueryClient } from "@tanstack/react-query";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo, useRef } from "react";
import type { ModuleOrganizationSort } from "../../../../src/domain/list-sorts.ts";
import type { ModuleOrganization, ModuleOrganizationPage } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { ariaSortOf, SortButton } from "../common/sort-header.tsx";
import {
  cachedBlockItems,
  type OffsetBlockSource,
  useOffsetBlocks,
  type WindowRow,
} from "../common/use-offset-blocks.ts";
import { VirtualTableBody } from "../common/virtual-table-body.tsx";
import { CreateInPsaButton } from "./create-in-psa.tsx";
import { ExclusionButton, TargetCell } from "./module-organization-row-actions.tsx";

interface ModuleOrganizationListProps {
  source: OffsetBlockSource<ModuleOrganizationPage>;
  /** Every row that matches the filters (from the first block): the virtualizer's size. */
  total: number;
  canEdit: boolean;
  selected: ReadonlyMap<string, ModuleOrganization>;
  onSelectedChange(selected: ReadonlyMap<string, ModuleOrganization>): void;
  /** The rows' order (server-side, in the URL); the name, module and target headers change it. */
  sort: ModuleOrganizationSort;
  onSort(sort: ModuleOrganizationSort): void;
}

/** The columns that sort, by column id: the sort's name for it. */
const SORT_COLUMNS: Record<string, string> = { name: "name", module: "module", target: "organization" };

const ROW_HEIGHT = 38;

type MoWindowRow = WindowRow<ModuleOrganization>;

const idOf = (row: ModuleOrganization) => row.id;

/**
 * Tab 2's virtualized list; sub-organizations are indented under their parent (server order). Like
 * tab 1's grid, it is sized for every row and fetches only the 100-row blocks it shows, by offset.
 */
export function ModuleOrganizationList(props: ModuleOrganizationListProps) {
  const { source, total, canEdit, selected, onSelectedChange, sort, onSort } = props;
  // Sorted otherwise than by the tree, the list is flat: no indent under a parent that is not above.
  const isTree = sort === "name";
  const labels = useTerm();
  const queryClient = useQueryClient();
  const scrollRef = useRef<HTMLDivElement>(null);
  const blocks = useOffsetBlocks({
    source,
    total,
    rowHeight: ROW_HEIGHT,
    scrollRef,
    getRowId: idOf,
  });
  const { windowRows } = blocks;

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const toggle = (row: ModuleOrganization, on: boolean) => {
    const next = new Map(selectedRef.current);
    if (on) next.set(row.id, row);
    else next.delete(row.id);
    onSelectedChange(next);
  };
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;

  const columns = useMemo<ColumnDef<MoWindowRow>[]>(() => {
    const all: ColumnDef<MoWindowRow>[] = [
      {
        id: "name",
        header: labels.moduleOrganization,
        size: 320,
        cell: ({ row }) => (
          <div className="mo-name" style={{ paddingLeft: isTree ? row.original.row.depth * 20 : 0 }}>
            {row.original.row.depth > 0 && (
              <span className="sub-marker" aria-hidden="true">
                ↳
              </span>
            )}
            <span className="cell-text" title={row.original.row.name}>
              {row.original.row.name}
            </span>
          </div>
        ),
      },
      { id: "module", header: "Module", size: 150, cell: ({ row }) => row.original.row.moduleName },
      {
        id: "externalId",
        header: "External id",
        size: 120,
        cell: ({ row }) => <span className="mono muted">{row.original.row.externalId}</span>,
      },
      {
        id: "status",
        header: "Status",
        size: 150,
        cell: ({ row }) => <StatusBadges row={row.original.row} />,
      },
      {
        id: "target",
        header: labels.psaOrganization,
        size: 340,
        cell: ({ row }) => <TargetCell row={row.original.row} canEdit={canEdit} />,
      },
    ];
    if (!canEdit) return all;
    return [
      {
        id: "select",
        header: "",
        size: 36,
        cell: ({ row }) => (
          <input
            type="checkbox"
            aria-label={`Select ${row.original.row.name}`}
            checked={selectedRef.current.has(row.original.row.id)}
            onChange={(event) => toggleRef.current(row.original.row, event.target.checked)}
          />
        ),
      },
      ...all,
      {
        id: "actions",
        header: "",
        size: 240,
        cell: ({ row }) => (
          <>
            <ExclusionButton row={row.original.row} />
            <CreateInPsaButton row={row.original.row} />
          </>
        ),
      },
    ];
  }, [canEdit, labels.moduleOrganization, labels.psaOrganization, isTree]);

  // `selected` is read through a ref inside cells; passing it as meta re-renders the rows when it changes.
  const table = useReactTable({
    data: windowRows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (windowRow) => windowRow.row.id,
    autoResetPageIndex: false,
    meta: { selected },
  });
  const tableRows = new Map(table.getRowModel().rows.map((row) => [row.original.index, row]));
  const width = table.getTotalSize();
  // "Loaded" rows: those of the blocks in the cache for these filters.
  const loaded = cachedBlockItems(queryClient, source);
  const allLoadedSelected = loaded.length > 0 && loaded.every((row) => selected.has(row.id));

  return (
    <div ref={scrollRef} className="grid-scroll" data-testid="module-organization-list">
      <table
        className="vtable grows-last"
        aria-label={labels.mapByModuleOrganization}
        aria-rowcount={total + 1}
        style={{ width }}
      >
        <thead className="grid-header">
          <tr>
            {table.getHeaderGroups()[0]?.headers.map((header) => (
              <th
                key={header.id}
                scope="col"
                className={header.id === "select" ? "grid-th cell-check" : "grid-th"}
                aria-sort={
                  sortColumn(header.id) ? (ariaSortOf(sort, sortColumn(header.id)) ?? "none") : undefined
                }
                style={{ width: header.getSize() }}
              >
                {header.id === "select" ? (
                  <input
                    type="checkbox"
                    aria-label="Select all loaded rows"
                    checked={allLoadedSelected}
                    onChange={(event) =>
                      onSelectedChange(new Map(event.target.checked ? loaded.map((r) => [r.id, r]) : []))
                    }
                  />
                ) : sortColumn(header.id) ? (
                  <SortButton
                    label={String(header.column.columnDef.header)}
                    column={sortColumn(header.id)}
                    sort={sort}
                    onSort={onSort}
                  />
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
          placeholderCell={{ className: "grid-td", width: width }}
          renderRow={(row, item) => {
            const isSelected = selected.has(row.original.row.id);
            return (
              <tr
                key={row.original.row.id}
                aria-rowindex={item.index + 2}
                data-module-organization-id={row.original.row.id}
                className={`grid-row${item.index % 2 ? " is-odd" : ""}${isSelected ? " is-selected" : ""}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="grid-td" style={{ width: cell.column.getSize() }}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            );
          }}
        />
      </table>
    </div>
  );
}

function StatusBadges({ row }: { row: ModuleOrganization }) {
  return (
    <span className="badges">
      {row.mapping ? <span className="badge badge-ok">Mapped</span> : null}
      {!row.mapping && !row.isExcluded && <span className="badge badge-open">Unmapped</span>}
      {row.isExcluded && <span className="badge badge-muted">Excluded</span>}
      {row.status === "missing" && <span className="badge badge-warning">Missing</span>}
    </span>
  );
}

const sortColumn = (columnId: string): string => SORT_COLUMNS[columnId] ?? "";
