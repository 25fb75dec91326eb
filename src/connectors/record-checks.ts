import { withoutLoneSurrogates } from "../domain/text.ts";
import type { Page, RejectedRecord } from "./connector.ts";

/** Names longer than this are rejected rather than truncated: a cut name would be mapped by mistake. */
export const MAX_NAME_LENGTH = 500;
export const MAX_ID_LENGTH = 200;
/** A rejected record's raw form is kept for the sync report, at most this many characters of JSON. */
export const MAX_RAW_CHARS = 2_000;

// PostgreSQL text and jsonb cannot hold NUL; other control characters only garble the UI.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Reads an external id: a non-empty string or a finite number, as a string. */
export function checkId(value: unknown, label = "id"): Checked<string> {
  let id: string | null = null;
  if (typeof value === "number" && Number.isFinite(value)) id = String(value);
  if (typeof value === "string") id = withoutLoneSurrogates(value).replace(CONTROL_CHARACTERS, "").trim();
  if (id === null) return { ok: false, reason: `${label} missing` };
  if (id === "") return { ok: false, reason: `${label} empty` };
  if (id.length > MAX_ID_LENGTH)
    return { ok: false, reason: `${label} longer than ${MAX_ID_LENGTH} characters` };
  return { ok: true, value: id };
}

/** Reads a display name: trimmed, control characters turned into spaces, at most 500 characters. */
export function checkName(value: unknown, label = "name"): Checked<string> {
  if (typeof value !== "string") return { ok: false, reason: `${label} missing` };
  // A lone surrogate becomes U+FFFD here, as the database would store it: the next sync then
  // compares equal text and sees no rename (issue 11 point 9).
  const name = withoutLoneSurrogates(value).replace(CONTROL_CHARACTERS, " ").trim();
  if (name === "") return { ok: false, reason: `${label} empty` };
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `${label} longer than ${MAX_NAME_LENGTH} characters` };
  }
  return { ok: true, value: name };
}

/** A string attribute, cleaned; null when absent or blank. */
export function optionalText(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const text = withoutLoneSurrogates(value).replace(CONTROL_CHARACTERS, " ").trim();
  return text === "" ? null : text.slice(0, MAX_NAME_LENGTH);
}

/**
 * Makes a raw vendor record safe to store in a sync report: JSON-serializable, without NUL
 * characters, and at most MAX_RAW_CHARS characters (a 10,000-character name is cut, and says so).
 */
export function safeRaw(raw: unknown): unknown {
  let text: string;
  try {
    text =
      JSON.stringify(raw, (_key, value) =>
        typeof value === "string" ? withoutLoneSurrogates(value) : value,
      ) ?? withoutLoneSurrogates(String(raw));
  } catch {
    text = withoutLoneSurrogates(String(raw));
  }
  text = text.replaceAll("\\u0000", "");
  if (text.length <= MAX_RAW_CHARS) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return { truncated: true, length: text.length, preview: text.slice(0, MAX_RAW_CHARS) };
}

/** Builds a rejected record with a reason in words and a stored-size raw form. */
export function rejection(reason: string, raw: unknown): RejectedRecord {
  return { reason, raw: safeRaw(raw) };
}

/** Remembers external ids seen in one run, so the second occurrence of an id is rejected. */
export class SeenIds {
  private readonly ids = new Set<string>();

  /** True the first time an id is claimed, false afterwards. */
  claim(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}

export const DUPLICATE_REASON = "duplicate id: the same id appeared earlier in this sync";

/**
 * The checks every flat vendor record passes: an id, a name, and an id not seen before in this run.
 * Answers the clean id and name, or the rejection with its reason.
 */
export function checkIdentity(
  raw: unknown,
  id: unknown,
  name: unknown,
  seen: SeenIds,
): { ok: true; id: string; name: string } | { ok: false; rejected: RejectedRecord } {
  const checkedId = checkId(id);
  if (!checkedId.ok) return { ok: false, rejected: rejection(checkedId.reason, raw) };
  const checkedName = checkName(name);
  if (!checkedName.ok) return { ok: false, rejected: rejection(checkedName.reason, raw) };
  if (!seen.claim(checkedId.value)) return { ok: false, rejected: rejection(DUPLICATE_REASON, raw) };
  return { ok: true, id: checkedId.value, name: checkedName.value };
}

/** What a mapper makes of one vendor record. `skipped` records are neither kept nor rejected. */
export type MapResult<T> = { record: T } | { rejected: RejectedRecord } | { skipped: string };

/** Sorts mapper results into one page. */
export function toPage<T>(results: Iterable<MapResult<T>>): Page<T> {
  const page: Page<T> = { records: [], rejected: [] };
  for (const result of results) {
    if ("record" in result) page.records.push(result.record);
    else if ("rejected" in result) page.rejected.push(result.rejected);
  }
  return page;
}

/** Drops attributes that are null or undefined, so stored attributes only hold facts. */
export function compactAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) => value !== null && value !== undefined),
  );
}
