import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import type { ModuleOrganization } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { ExclusionButton, TargetCell } from "./module-organization-row-actions.tsx";

interface ModuleOrganizationListProps {
  rows: ModuleOrganization[];
  total: number | undefined;
  canEdit: boolean;
  selected: Set<string>;
  onSelectedChange(selected: Set<string>): void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): void;
}

const ROW_HEIGHT = 38;

/** Tab 2's virtualized list; sub-organizations are indented under their parent (server order). */
export function ModuleOrganizationList(props: ModuleOrganizationListProps) {
  const { rows, canEdit, selected, onSelectedChange, hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  const labels = useTerm();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selectedRef.current);
    if (on) next.add(id);
    else next.delete(id);
    onSelectedChange(next);
  };
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;

  const columns = useMemo<ColumnDef<ModuleOrganization>[]>(() => {
    const all: ColumnDef<ModuleOrganization>[] = [
      {
        id: "name",
        header: labels.moduleOrganization,
        size: 320,
        cell: ({ row }) => (
          <div className="mo-name" style={{ paddingLeft: row.original.depth * 20 }}>
            {row.original.depth > 0 && (
              <span className="sub-marker" aria-hidden="true">
                ↳
              </span>
            )}
            <span className="cell-text" title={row.original.name}>
              {row.original.name}
            </span>
          </div>
        ),
      },
      { id: "module", header: "Module", size: 150, cell: ({ row }) => row.original.moduleName },
      {
        id: "externalId",
        header: "External id",
        size: 120,
        cell: ({ row }) => <span className="mono muted">{row.original.externalId}</span>,
      },
      {
        id: "status",
        header: "Status",
        size: 150,
        cell: ({ row }) => <StatusBadges row={row.original} />,
      },
      {
        id: "target",
        header: labels.psaOrganization,
        size: 340,
        cell: ({ row }) => <TargetCell row={row.original} canEdit={canEdit} />,
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
            aria-label={`Select ${row.original.name}`}
            checked={selectedRef.current.has(row.original.id)}
            onChange={(event) => toggleRef.current(row.original.id, event.target.checked)}
          />
        ),
      },
      ...all,
      { id: "actions", header: "", size: 90, cell: ({ row }) => <ExclusionButton row={row.original} /> },
    ];
  }, [canEdit, labels.moduleOrganization, labels.psaOrganization]);

  // `selected` is read through a ref inside cells; passing it as meta re-renders the rows when it changes.
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    meta: { selected },
  });
  const tableRows = table.getRowModel().rows;
  const width = table.getTotalSize();
  const allLoadedSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));

  return (
    <div ref={scrollRef} className="grid-scroll" data-testid="module-organization-list">
      <table
        className="vtable grows-last"
        aria-label={labels.mapByModuleOrganization}
        aria-rowcount={(props.total ?? rows.length) + 1}
        style={{ width }}
      >
        <thead className="grid-header">
          <tr>
            {table.getHeaderGroups()[0]?.headers.map((header) => (
              <th
                key={header.id}
                scope="col"
                className={header.id === "select" ? "grid-th cell-check" : "grid-th"}
                style={{ width: header.getSize() }}
              >
                {header.id === "select" ? (
                  <input
                    type="checkbox"
                    aria-label="Select all loaded rows"
                    checked={allLoadedSelected}
                    onChange={(event) =>
                      onSelectedChange(new Set(event.target.checked ? rows.map((r) => r.id) : []))
                    }
                  />
                ) : (
                  flexRender(header.column.columnDef.header, header.getContext())
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = tableRows[item.index];
            if (!row) {
              return (
                <tr
                  key="loader"
                  className="grid-row grid-loader"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <td>Loading more…</td>
                </tr>
              );
            }
            const isSelected = selected.has(row.original.id);
            return (
              <tr
                key={row.original.id}
                aria-rowindex={item.index + 2}
                data-module-organization-id={row.original.id}
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
          })}
        </tbody>
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
