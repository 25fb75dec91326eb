import type { VirtualItem } from "@tanstack/react-virtual";
import type { ReactNode } from "react";
import type { useOffsetBlocks } from "./use-offset-blocks.ts";

interface VirtualTableBodyProps<TRow> {
  /** The list's window (`useOffsetBlocks`): the body is as tall as every row of the list. */
  blocks: Pick<ReturnType<typeof useOffsetBlocks>, "virtualizer" | "virtualItems" | "rowHeight">;
  /** The loaded rows of the window by their index in the whole list. */
  rows: ReadonlyMap<number, TRow>;
  /** The one cell of a placeholder row. */
  placeholderCell: { className: string; width: number };
  renderRow(row: TRow, item: VirtualItem): ReactNode;
}

/**
 * The body of a virtualized table fed by offset blocks: the loaded rows of the window, and a light
 * placeholder row (one cell) for each row whose block is not loaded yet.
 */
export function VirtualTableBody<TRow>(props: VirtualTableBodyProps<TRow>) {
  const { blocks, placeholderCell } = props;
  return (
    <tbody className="grid-body" style={{ height: blocks.virtualizer.getTotalSize() }}>
      {blocks.virtualItems.map((item) => {
        const row = props.rows.get(item.index);
        if (row !== undefined) return props.renderRow(row, item);
        return (
          <tr
            key={`placeholder-${item.index}`}
            aria-rowindex={item.index + 2}
            aria-busy="true"
            className={`grid-row grid-placeholder${item.index % 2 ? " is-odd" : ""}`}
            style={{ transform: `translateY(${item.start}px)`, height: blocks.rowHeight }}
          >
            <td className={placeholderCell.className} style={{ width: placeholderCell.width }}>
              <span className="placeholder-bar" aria-hidden="true" />
            </td>
          </tr>
        );
      })}
    </tbody>
  );
}
