import { AppError } from "./errors.ts";
import { isStorableText } from "./text.ts";

/**
 * Opaque page cursors. Keyset cursors carry the sort key and id of the last row; offset cursors
 * serve orderings with no stable key. Both are base64url JSON so a client cannot depend on them.
 */
export type Cursor = { k: string; id: string; p?: 1 } | { o: number };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** What a list's keyset cursors hold: the row id's form, and what the sort key is. */
export interface CursorShape {
  id: "uuid" | "integer";
  key?: "text" | "timestamp";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^[0-9]{1,18}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
/** Offsets past this are not pages anyone reads; PostgreSQL's bigint is the hard limit. */
const MAX_OFFSET = 100_000_000;
const MAX_KEY_LENGTH = 2000;

function validKey(key: string, shape: CursorShape): boolean {
  if (key.length > MAX_KEY_LENGTH || !isStorableText(key)) return false;
  return shape.key !== "timestamp" || (ISO_TIMESTAMP.test(key) && !Number.isNaN(Date.parse(key)));
}

/**
 * Reads a cursor this server gave out for a list of the given shape; anything else (tampered,
 * truncated, another list's) is a 400 before any of it reaches a query.
 */
export function decodeCursor(value: string | undefined, shape: CursorShape): Cursor | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const c = parsed as Record<string, unknown>;
      const idForm = shape.id === "uuid" ? UUID : INTEGER;
      if (typeof c.k === "string" && typeof c.id === "string" && idForm.test(c.id) && validKey(c.k, shape))
        return { k: c.k, id: c.id, ...(c.p === 1 ? { p: 1 } : {}) };
      if (typeof c.o === "number" && Number.isSafeInteger(c.o) && c.o >= 0 && c.o <= MAX_OFFSET)
        return { o: c.o };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("bad_request", "cursor is not one this server gave out", { field: "cursor" });
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
