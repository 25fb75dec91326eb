import { z } from "zod";

/**
 * How every page keeps its state in the URL (issue 13: shareable, the back button works). The
 * router reads and writes the query string as plain `name=value` pairs, as the app always has
 * (bookmarks and links keep working: `?search=123` stays the text "123", never a number), and each
 * route validates its own pairs with a zod schema built from the helpers below. A value that does
 * not fit (an old bookmark, a hand-edited link) is dropped, never an error page: every field is
 * optional, and a default is left out of the URL.
 */

/** The query string as name -> text (the router's `parseSearch`). */
export function parseSearch(search: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(search));
}

/** Name -> value back to a query string (the router's `stringifySearch`); empty values are left out. */
export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Free text (a search box, an id); empty is absent. */
export const textParam = (max = 200) =>
  z
    .string()
    .max(max)
    .transform((value) => value || undefined)
    .optional()
    .catch(undefined);

/** One of a fixed list; anything else is absent (the page's default). */
export const choiceParam = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values).optional().catch(undefined);

/** A flag: present as `true`, absent otherwise. */
export const flagParam = () =>
  z
    .union([z.boolean(), z.string()])
    .transform((value) => (value === true || value === "true" ? true : undefined))
    .optional()
    .catch(undefined);

/** A row offset (a page of a paged table): a whole number from 1; 0 is absent. */
export const offsetParam = () =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .transform((value) => value || undefined)
    .optional()
    .catch(undefined);

/** A period (`2026-11`). */
export const periodParam = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .catch(undefined);
