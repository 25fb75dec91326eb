import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { CompiledQuery, type QueryResult } from "kysely";
import type pg from "pg";
import { from as copyFromStream } from "pg-copy-streams";

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
    out += value === null || value === undefined ? "NULL" : `"${value.replace(/[\\"]/g, "\\$&")}"`;
  }
  return `${out}}`;
}
