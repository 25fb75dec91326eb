import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { CompiledQuery, type QueryResult } from "kysely";
import type pg from "pg";
import { from as copyFromStream, to as copyToStream } from "pg-copy-streams";

/**
 * Bulk loads by COPY (PostgreSQL's fastest way in: one stream of text rows, no statement per row
 * and no parameter to parse). Kysely has no COPY, so a COPY travels as an ordinary query whose SQL
 * is `copy <table> (<columns>) from stdin` and whose one parameter is the data, text-format rows
 * (`copyText`), as string chunks; each dialect's connection recognises it (`isCopyFromStdin`) and
 * runs it its own way: node-postgres through pg-copy-streams (chunks made while the server parses
 * the ones before), PGlite through its `/dev/blob` device.
 */
export function copyFromStdin(
  table: string,
  columns: readonly string[],
  chunks: Iterable<string>,
): CompiledQuery {
  return CompiledQuery.raw(`copy ${table} (${columns.join(", ")}) from stdin`, [chunks]);
}

const COPY_FROM_STDIN = /^\s*copy\s[^;]*\sfrom\s+stdin\s*$/i;

export function isCopyFromStdin(statement: string, parameters: readonly unknown[]): boolean {
  return (
    COPY_FROM_STDIN.test(statement) &&
    parameters.length === 1 &&
    typeof (parameters[0] as Iterable<string> | null)?.[Symbol.iterator] === "function" &&
    typeof parameters[0] !== "string"
  );
}

/**
 * The rows of a query out by COPY, in the text format, handed to `sink` a chunk at a time as the
 * server sends them (`CopyTextRows` splits them): for a read of millions of rows, where making a
 * row object per row costs more than the server's work. The query is SQL text with no parameters
 * (COPY takes none): values in it must be literals made by the caller from trusted values.
 */
export function copyToStdout(query: string, sink: (chunk: Uint8Array) => void): CompiledQuery {
  return CompiledQuery.raw(`copy (${query}) to stdout`, [sink]);
}

const COPY_TO_STDOUT = /^\s*copy\s*\(.*\)\s*to\s+stdout\s*$/is;

export function isCopyToStdout(statement: string, parameters: readonly unknown[]): boolean {
  return COPY_TO_STDOUT.test(statement) && parameters.length === 1 && typeof parameters[0] === "function";
}

/**
 * A query's rows read by COPY, each made by `make` from its fields (`CopyTextRow`): for reads of
 * hundreds of thousands of rows, where a driver's row objects cost more than the rows themselves
 * (PGlite's most: about 13 us a row). `query` takes no parameters (COPY takes none).
 */
export async function copyRows<T>(
  db: { executeQuery(query: CompiledQuery): Promise<unknown> },
  query: string,
  make: (row: CopyTextRow) => T,
): Promise<T[]> {
  const out: T[] = [];
  const reader = new CopyTextRows((row) => {
    out.push(make(row));
  });
  await db.executeQuery(copyToStdout(query, (chunk) => reader.push(chunk)));
  reader.end();
  return out;
}

/** Runs a `copyToStdout` on a node-postgres client: each chunk to the sink as it arrives. */
export async function copyOutOnClient(
  client: pg.PoolClient | pg.Client,
  statement: string,
  sink: (chunk: Uint8Array) => void,
): Promise<QueryResult<never>> {
  const stream = client.query(copyToStream(statement));
  // A sink that throws: the rest is read and dropped (the connection stays in step with the
  // server), then the sink's error is the COPY's.
  let failed: { error: unknown } | null = null;
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        sink(chunk);
      } catch (error) {
        failed = { error };
      }
    });
    stream.on("error", reject);
    stream.on("end", resolve);
  });
  if (failed) throw (failed as { error: unknown }).error;
  return { rows: [] };
}

/** Runs a `copyToStdout` on PGlite: the rows written to `/dev/blob`, handed to the sink at once. */
export async function copyOutOnPglite(
  pglite: PGlite,
  statement: string,
  sink: (chunk: Uint8Array) => void,
): Promise<QueryResult<never>> {
  const result = await pglite.query(statement.replace(/\sstdout\s*$/i, " '/dev/blob'"));
  if (result.blob) sink(new Uint8Array(await result.blob.arrayBuffer()));
  return { rows: [] };
}

/** Runs the COPY on a node-postgres client, the chunks streamed as they are made. */
export async function copyOnClient(
  client: pg.PoolClient | pg.Client,
  statement: string,
  chunks: Iterable<string>,
): Promise<QueryResult<never>> {
  const stream = client.query(copyFromStream(statement));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return { rows: [], numAffectedRows: BigInt(stream.rowCount) };
}

/** Runs the COPY on PGlite: the rows as a blob read from `/dev/blob`. */
export async function copyOnPglite(
  pglite: PGlite,
  statement: string,
  chunks: Iterable<string>,
): Promise<QueryResult<never>> {
  const result = await pglite.query(statement.replace(/\sstdin\s*$/i, " '/dev/blob'"), [], {
    blob: new Blob([...chunks]),
  });
  return { rows: [], numAffectedRows: BigInt(result.affectedRows ?? 0) };
}

/**
 * A client whose `query` runs `copyFromStdin`'s queries as COPY and passes anything else through
 * (what the PostgreSQL pool hands to Kysely; one wrapper per client, kept with it).
 */
export function withCopy(pool: pg.Pool): pg.Pool {
  const wrapped = new WeakMap<pg.PoolClient, pg.PoolClient>();
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let proxy = wrapped.get(client);
    if (!proxy) {
      proxy = new Proxy(client, {
        get(target, property, receiver) {
          if (property !== "query") {
            const value = Reflect.get(target, property, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return (statement: unknown, parameters?: unknown[]) =>
            typeof statement === "string" && parameters && isCopyFromStdin(statement, parameters)
              ? copyOnClient(target, statement, parameters[0] as Iterable<string>).then((r) => ({
                  command: "COPY",
                  rowCount: Number(r.numAffectedRows),
                  rows: [],
                }))
              : typeof statement === "string" && parameters && isCopyToStdout(statement, parameters)
                ? copyOutOnClient(target, statement, parameters[0] as (chunk: Uint8Array) => void).then(
                    () => ({
                      command: "COPY",
                      rowCount: 0,
                      rows: [],
                    }),
                  )
                : (target.query as (...args: unknown[]) => unknown)(statement, parameters);
        },
      });
      wrapped.set(client, proxy);
    }
    return proxy;
  };
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === "connect") return async () => wrap(await target.connect());
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** One field of a text-format COPY row: `\N` for null, the format's escapes for the rest. */
export function copyField(value: string | null): string {
  if (value === null) return "\\N";
  // Backslash first; then the characters that would end a field or a row.
  return /[\\\n\r\t]/.test(value)
    ? value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")
    : value;
}

/** A PostgreSQL array literal of text (`{"a","b"}`), every element quoted and escaped. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) out += ",";
    out +=
      value === null || value === undefined
        ? "NULL"
        : value.indexOf("\\") < 0 && value.indexOf('"') < 0
          ? `"${value}"`
          : `"${value.replace(/[\\"]/g, "\\$&")}"`;
  }
  return `${out}}`;
}

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/**
 * One row of a COPY text stream (`CopyTextRows`): its fields as byte ranges of `bytes`, read
 * without making a string unless asked. Valid only during the callback that receives it.
 */
export class CopyTextRow {
  bytes: Uint8Array = new Uint8Array(0);
  count = 0;
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private readonly decoder = new TextDecoder();

  isNull(field: number): boolean {
    const start = this.starts[field]!;
    return (
      this.ends[field]! - start === 2 && this.bytes[start] === BACKSLASH && this.bytes[start + 1] === 78 // N
    );
  }

  /** A whole number written in decimal (integer, bigint columns; within 2^53). */
  integer(field: number): number {
    const bytes = this.bytes;
    let i = this.starts[field]!;
    const end = this.ends[field]!;
    const negative = bytes[i] === 45; // -
    if (negative) i++;
    if (i === end) throw new Error(`COPY field ${field} is no number`);
    let value = 0;
    for (; i < end; i++) {
      const digit = bytes[i]! - 48;
      if (digit < 0 || digit > 9) throw new Error(`COPY field ${field} is no whole number`);
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /**
   * Whether the field holds the same bytes as `previous` (a field kept by `keep`): a long read can
   * then skip making a string for a value that repeats row after row (an id, a type).
   */
  same(field: number, previous: Uint8Array): boolean {
    const start = this.starts[field]!;
    const length = this.ends[field]! - start;
    if (length !== previous.length) return false;
    const bytes = this.bytes;
    for (let i = length - 1; i >= 0; i--) if (bytes[start + i] !== previous[i]) return false;
    return true;
  }

  /** A copy of the field's bytes, for `same`. */
  keep(field: number): Uint8Array {
    return this.bytes.slice(this.starts[field]!, this.ends[field]!);
  }

  /** The field's text, or null for `\N`. */
  textOrNull(field: number): string | null {
    return this.isNull(field) ? null : this.text(field);
  }

  /** A boolean field (`t` or `f`). */
  boolean(field: number): boolean {
    return this.bytes[this.starts[field]!] === 116; // t
  }

  /** The field's text, its escapes decoded. */
  text(field: number): string {
    const start = this.starts[field]!;
    const end = this.ends[field]!;
    let plain = true;
    for (let i = start; i < end; i++) {
      const byte = this.bytes[i]!;
      if (byte === BACKSLASH || byte >= 0x80) {
        plain = false;
        break;
      }
    }
    if (plain && end - start <= 256)
      return String.fromCharCode.apply(null, this.bytes.subarray(start, end) as unknown as number[]);
    return unescapeCopyText(this.decoder.decode(this.bytes.subarray(start, end)));
  }
}

/** The text format's escapes (\\, \t, \n, \r, \b, \f, \v, octal and \x hex bytes of ASCII). */
function unescapeCopyText(value: string): string {
  return value.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_, octal, hex, char: string) => {
    if (octal !== undefined) return String.fromCharCode(Number.parseInt(octal, 8));
    if (hex !== undefined) return String.fromCharCode(Number.parseInt(hex, 16));
    const named: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
    return named[char] ?? char;
  });
}

/**
 * Splits COPY text-format chunks into rows (a row may span chunks) and calls `onRow` for each,
 * in order. `end()` checks nothing was left half-read.
 */
export class CopyTextRows {
  private rest: Uint8Array | null = null;
  private readonly row = new CopyTextRow();

  constructor(private readonly onRow: (row: CopyTextRow) => void) {}

  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.rest) {
      const joined = new Uint8Array(this.rest.length + chunk.length);
      joined.set(this.rest);
      joined.set(chunk, this.rest.length);
      bytes = joined;
      this.rest = null;
    }
    const row = this.row;
    row.bytes = bytes;
    let lineStart = 0;
    while (lineStart < bytes.length) {
      const newline = bytes.indexOf(NEWLINE, lineStart);
      if (newline < 0) break;
      let count = 0;
      let fieldStart = lineStart;
      for (let i = lineStart; i <= newline; i++) {
        if (i === newline || bytes[i] === TAB) {
          row.starts[count] = fieldStart;
          row.ends[count] = i;
          count++;
          fieldStart = i + 1;
        }
      }
      row.count = count;
      this.onRow(row);
      lineStart = newline + 1;
    }
    if (lineStart < bytes.length) this.rest = bytes.slice(lineStart);
  }

  end(): void {
    if (this.rest && this.rest.length > 0) throw new Error("COPY output ended inside a row");
  }
}
