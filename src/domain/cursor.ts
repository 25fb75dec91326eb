import { AppError } from "./errors.ts";

/**
 * Opaque page cursors. Keyset cursors carry the sort key and id of the last row; offset cursors
 * serve orderings with no stable key. Both are base64url JSON so a client cannot depend on them.
 */
export type Cursor = { k: string; id: string; p?: 1 } | { o: number };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(value: string | undefined): Cursor | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object") {
      const c = parsed as Record<string, unknown>;
      if (typeof c.k === "string" && typeof c.id === "string")
        return { k: c.k, id: c.id, ...(c.p === 1 ? { p: 1 } : {}) };
      if (typeof c.o === "number" && Number.isInteger(c.o) && c.o >= 0) return { o: c.o };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("invalid_value", "cursor is not one this server gave out", { field: "cursor" });
}

export interface PageResult<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cuts a page out of `limit + 1` rows fetched in (tree_sort, id) order: the extra row only tells
 * that there is a next page, whose cursor is the last row kept.
 */
export function keysetPage<T extends { tree_sort: string; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ k: last.tree_sort, id: last.id }) : null,
  };
}
