import type { VirtualItem } from "@tanstack/react-virtual";

/** A light row (one cell) standing in for a row of a virtualized list whose block is not loaded yet. */
export function PlaceholderRow(props: {
  item: VirtualItem;
  height: number;
  cellClassName: string;
  width: number;
}) {
  const { item, height } = props;
  return (
    <tr
      aria-rowindex={item.index + 2}
      aria-busy="true"
      className={`grid-row grid-placeholder${item.index % 2 ? " is-odd" : ""}`}
      style={{ transform: `translateY(${item.start}px)`, height }}
    >
      <td className={props.cellClassName} style={{ width: props.width }}>
        <span className="placeholder-bar" aria-hidden="true" />
      </td>
    </tr>
  );
}
