import { sortParts } from "../../../../src/domain/list-sorts.ts";

/** What `aria-sort` says of a column under the list's sort (`-name` is `name` descending). */
export function ariaSortOf(sort: string, column: string): "ascending" | "descending" | undefined {
  const { column: sorted, isDescending } = sortParts(sort);
  if (sorted !== column) return undefined;
  return isDescending ? "descending" : "ascending";
}

/** The sort after a click on `column`: ascending first, then the other way on each click. */
export function nextSort<T extends string>(sort: T, column: string): T {
  const { column: sorted, isDescending } = sortParts(sort);
  return (sorted === column && !isDescending ? `-${column}` : column) as T;
}

interface SortButtonProps<T extends string> {
  label: string;
  column: string;
  sort: T;
  onSort(sort: T): void;
}

/**
 * A column header's sort button (the server sorts; the order lives in the URL). The header cell
 * carries `aria-sort` (`ariaSortOf`); the button says what a click does.
 */
export function SortButton<T extends string>({ label, column, sort, onSort }: SortButtonProps<T>) {
  const state = ariaSortOf(sort, column);
  const next = nextSort(sort, column);
  const nextWords = sortParts(next).isDescending ? "descending" : "ascending";
  return (
    <button
      type="button"
      className="sort-button"
      data-sort-column={column}
      title={`Sort by ${label.toLowerCase()}, ${nextWords}`}
      onClick={() => onSort(next)}
    >
      {label}
      <span className="sort-mark" aria-hidden="true">
        {state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕"}
      </span>
    </button>
  );
}
