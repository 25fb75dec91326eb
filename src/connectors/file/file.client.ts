import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse";
import { ConnectorError } from "../connector.ts";
import { hasRequiredColumns } from "./file.mapper.ts";

/** A row of the file with where it stands, or a row the parser could not read. */
export type FileRow =
  | { kind: "row"; row: Record<string, unknown>; where: string }
  | { kind: "bad"; reason: string; raw: unknown };

function describeFileError(path: string, error: unknown): ConnectorError {
  const code = (error as { code?: unknown }).code;
  const text =
    code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
  return new ConnectorError(`file: cannot read ${path}: ${text}`, { summary: `file: cannot read ${path}` });
}

/**
 * Streams the rows of a CSV file: a UTF-8 BOM is dropped, quoted fields may hold commas, quotes
 * and line breaks, and a row the parser cannot read is reported with its line instead of failing
 * the whole file.
 */
export async function* readCsvRows(
  path: string,
  delimiter: string,
  signal?: AbortSignal,
  shown = path,
): AsyncGenerator<FileRow> {
  // The parser reports unreadable rows ahead of the good rows it still buffers; each waits for its turn.
  const skipped: { line: number; row: FileRow }[] = [];
  const parser = parse({
    bom: true,
    delimiter,
    columns: (header: string[]) => {
      if (!hasRequiredColumns(header)) {
        const must = `file: the header of ${shown} must name the columns externalId and name`;
        // The header found goes to the log only: it is the file's first line, whatever the file is.
        throw new ConnectorError(`${must} (found: ${header.join(", ")})`, { summary: must });
      }
      return header.map((column) => column.trim());
    },
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      const lines = (error as { lines?: unknown } | undefined)?.lines;
      const line = typeof lines === "number" ? lines : 0;
      const message = (error?.message ?? "unreadable row").replace(/ on line \d+$/, "");
      skipped.push({ line, row: { kind: "bad", reason: `line ${line}: ${message}`, raw: raw ?? null } });
      return undefined;
    },
  });
  const source = createReadStream(path, { signal });
  // pipe() does not forward a read error (a missing file) to the parser; without this it would hang.
  source.on("error", (error) => parser.destroy(error));
  const stream = source.pipe(parser);
  try {
    for await (const item of stream as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      while (skipped.length > 0 && (skipped[0]?.line ?? 0) < item.info.lines) yield skipped.shift()!.row;
      yield { kind: "row", row: item.record, where: `line ${item.info.lines}` };
    }
    for (const entry of skipped) yield entry.row;
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    if ((error as { code?: string }).code?.startsWith("CSV_")) {
      throw new ConnectorError(`file: ${shown} is not valid CSV: ${(error as Error).message}`, {
        summary: `file: ${shown} is not valid CSV`,
      });
    }
    if (signal?.aborted) throw new ConnectorError("file: read cancelled");
    throw describeFileError(shown, error);
  }
}

/** Reads the rows of a JSON file: an array of objects (read whole; such files are small). */
export async function* readJsonRows(
  path: string,
  signal?: AbortSignal,
  shown = path,
): AsyncGenerator<FileRow> {
  let text: string;
  try {
    text = await readFile(path, { encoding: "utf8", signal });
  } catch (error) {
    throw describeFileError(shown, error);
  }
  let items: unknown;
  try {
    items = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    // JSON.parse quotes the text it choked on: the log gets it, users the summary.
    throw new ConnectorError(`file: ${shown} is not valid JSON: ${(error as Error).message}`, {
      summary: `file: ${shown} is not valid JSON`,
    });
  }
  if (!Array.isArray(items))
    throw new ConnectorError(`file: ${shown} must hold a JSON array of organizations`);
  for (const [index, item] of items.entries()) {
    const where = `item ${index + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      yield { kind: "bad", reason: `${where}: not an object`, raw: item };
    } else {
      yield { kind: "row", row: item as Record<string, unknown>, where };
    }
  }
}
