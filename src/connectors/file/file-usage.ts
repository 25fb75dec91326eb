import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { billingTypeKey } from "../../domain/billing/billing-types.ts";
import { readQuantity } from "../../domain/billing/usage-ledger.ts";
import type { ModuleUsageReading } from "../../domain/billing/usage-read.ts";
import { ConnectorError, type ConnectorUsageRead, type RejectedRecord } from "../connector.ts";
import { checkId, rejection } from "../record-checks.ts";
import { resolveImportFile } from "./import-file.ts";

/**
 * Usage from a file, for modules without an API (Graphus, Passly, BullPhish ID) and for the demo:
 * rows of `externalId, billingType, quantity` in CSV or JSON. Each row that cannot be used is
 * rejected with its line and the reason in words; the rest are read. A file that cannot be read
 * at all is a failed read, so its module's usage is unknown, never 0.
 */

export const fileUsageSettingsSchema = z.strictObject({
  path: z.string().trim().min(1, { error: "must name a file" }),
  /** Defaults from the extension: .json is JSON, anything else CSV. */
  format: z.enum(["csv", "json"]).optional(),
  delimiter: z.enum([",", ";", "\t", "|"]).default(","),
});
export type FileUsageSettings = z.infer<typeof fileUsageSettingsSchema>;

const COLUMNS = ["externalId", "billingType", "quantity"] as const;

export interface ParsedUsage {
  readings: ModuleUsageReading[];
  rejected: RejectedRecord[];
}

/** Raised for a file that cannot be read at all (no such file, no header, broken quoting). */
export class UsageFileError extends Error {}

function pick(row: Record<string, unknown>, wanted: string): unknown {
  for (const [key, value] of Object.entries(row)) {
    if (key.trim().toLowerCase() === wanted.toLowerCase()) return value;
  }
  return undefined;
}

/** Checks rows one by one; `where` names each row for the admin ("line 7", "item 3"). */
function checkRows(rows: Iterable<{ row: Record<string, unknown>; where: string }>): ParsedUsage {
  const readings: ModuleUsageReading[] = [];
  const rejected: RejectedRecord[] = [];
  const seen = new Map<string, string>();
  for (const { row, where } of rows) {
    const id = checkId(pick(row, "externalId"), "externalId");
    if (!id.ok) {
      rejected.push(rejection(`${where}: ${id.reason}`, row));
      continue;
    }
    const typeText = pick(row, "billingType");
    const billingType = typeof typeText === "string" ? billingTypeKey(typeText) : null;
    if (billingType === null) {
      const reason =
        typeof typeText === "string" && typeText.trim() !== ""
          ? `billingType ${JSON.stringify(typeText)} is not a usable name (letters or digits, at most 64)`
          : "billingType missing";
      rejected.push(rejection(`${where}: ${reason}`, row));
      continue;
    }
    const quantity = readQuantity(pick(row, "quantity"));
    if (!quantity.ok) {
      rejected.push(rejection(`${where}: ${quantity.reason}`, row));
      continue;
    }
    const key = `${id.value}\u0000${billingType}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      rejected.push(
        rejection(
          `${where}: ${id.value} / ${billingType} was already given on ${earlier}; the first is kept`,
          row,
        ),
      );
      continue;
    }
    seen.set(key, where);
    readings.push({ externalId: id.value, billingType, quantity: quantity.value });
  }
  return { readings, rejected };
}

/** Parses a usage CSV (a header naming the three columns in any order and case, a UTF-8 BOM allowed). */
export function parseUsageCsv(text: string, delimiter = ","): ParsedUsage {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      columns: (header: string[]) => {
        const names = header.map((column) => column.trim());
        const lower = new Set(names.map((name) => name.toLowerCase()));
        const missing = COLUMNS.filter((column) => !lower.has(column.toLowerCase()));
        if (missing.length > 0) {
          throw new UsageFileError(
            `the header must name the columns externalId, billingType and quantity (missing: ${missing.join(", ")}; found: ${names.join(", ")})`,
          );
        }
        return names;
      },
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    });
  } catch (error) {
    if (error instanceof UsageFileError) throw error;
    throw new UsageFileError(`not valid CSV: ${(error as Error).message}`);
  }
  return checkRows(records.map(({ record, info }) => ({ row: record, where: `line ${info.lines}` })));
}

/** Parses a usage JSON file: an array of objects with the three fields. */
export function parseUsageJson(text: string): ParsedUsage {
  let items: unknown;
  try {
    items = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new UsageFileError(`not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(items)) throw new UsageFileError("the file must hold a JSON array of usage rows");
  const rows: { row: Record<string, unknown>; where: string }[] = [];
  const bad: RejectedRecord[] = [];
  items.forEach((item, index) => {
    const where = `item ${index + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      bad.push(rejection(`${where}: not an object`, item));
    else rows.push({ row: item as Record<string, unknown>, where });
  });
  const parsed = checkRows(rows);
  return { readings: parsed.readings, rejected: [...bad, ...parsed.rejected] };
}

/**
 * Reads a usage file inside the import folder (like the file connector: links out of it refused).
 * Never throws: a file that cannot be read comes back `failed`, with a message that never quotes
 * the file's text (a parser's message may).
 */
export async function readFileUsage(
  settings: FileUsageSettings,
  importDir: string | undefined,
  signal?: AbortSignal,
): Promise<ConnectorUsageRead> {
  const format = settings.format ?? (settings.path.toLowerCase().endsWith(".json") ? "json" : "csv");
  let text: string;
  try {
    text = await readFile(await resolveImportFile(importDir, settings.path), { encoding: "utf8", signal });
  } catch (error) {
    const why = error instanceof ConnectorError ? error.publicMessage : `file: cannot read ${settings.path}`;
    return { kind: "failed", error: why, failure: { code: "invalid", message: why }, requestCount: 0 };
  }
  try {
    const parsed = format === "json" ? parseUsageJson(text) : parseUsageCsv(text, settings.delimiter);
    return { kind: "complete", ...parsed, requestCount: 0 };
  } catch {
    const why = `file: ${settings.path} is not a valid ${format} usage file`;
    return { kind: "failed", error: why, failure: { code: "bad_response", message: why }, requestCount: 0 };
  }
}
