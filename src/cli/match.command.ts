import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { isOrganizationType, type OrganizationType } from "../domain/organization.ts";
import { buildMatchIndex, type MatchOrganization, type MatchQuery } from "../matching/engine.ts";
import { fastCsvRecords } from "./match.csv.ts";
import {
  alikeHint,
  answerRows,
  type MatchBatch,
  type MatchBatchAnswer,
  type NumberedQuery,
  type PackedAnswers,
  packAnswers,
} from "./match.rows.ts";

/** Arguments of `orgmap match`. */
export interface MatchCommandOptions {
  organizationsPath: string;
  moduleOrganizationsPath: string;
  /** Candidates per module organization (default 3). */
  top?: number;
  /** Worker threads at most (default 2, never more than the cores; 1 answers in this thread). */
  workers?: number;
  /** Module organizations from which the work goes to worker threads (default 5,000; tests lower it). */
  parallelFrom?: number;
}

/** A CSV file's records, and the line where one starts (worked out when an error needs it). */
interface Csv {
  rows: Array<Record<string, string>>;
  lineOf(record: number): number | "?";
}

/** csv-parse's options for both files; `info` adds each record's line number (about 1 s per 200,000 rows). */
function parseCsv(text: Buffer, info: boolean): unknown[] {
  return parse(text, {
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim()),
    info,
    skip_empty_lines: true,
    trim: false,
  }) as unknown[];
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as Error).message})`);
  }
}

/**
 * Parses a CSV file with a header row; every error names the file and the line. Line numbers are read
 * only when a record is refused (the file is parsed again for them): they cost more than the parse.
 */
function parseRows(path: string, text: Buffer, required: readonly string[]): Csv {
  const parsed = (info: boolean): unknown[] => {
    try {
      return parseCsv(text, info);
    } catch (error) {
      if (error instanceof CsvError) {
        const line = (error as CsvError & { lines?: number }).lines;
        throw new Error(`${path}: line ${line ?? "?"}: ${error.message}`);
      }
      throw error;
    }
  };
  // Split by hand where that gives csv-parse's records (see match.csv.ts), else csv-parse.
  const records = fastCsvRecords(text) ?? (parsed(false) as Array<Record<string, string>>);
  const first = records[0];
  const header = first === undefined ? [] : Object.keys(first);
  for (const column of required) {
    if (first !== undefined && !header.includes(column)) {
      throw new Error(`${path}: line 1: missing column '${column}' (header has: ${header.join(", ")})`);
    }
  }
  let lines: number[] | undefined;
  const lineOf = (record: number): number | "?" => {
    lines ??= (parsed(true) as Array<{ info: { lines: number } }>).map((r) => r.info.lines);
    return lines[record] ?? "?";
  };
  records.forEach((record, i) => {
    for (const column of required) {
      if ((record[column] ?? "").trim() === "")
        throw new Error(`${path}: line ${lineOf(i)}: empty '${column}'`);
    }
  });
  return { rows: records, lineOf };
}

/** Line breaks in a file: at least its records (more when names hold quoted line breaks). */
function lineBreaks(text: Buffer): number {
  let count = 0;
  for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) count++;
  return count;
}

function readOrganizations(path: string, { rows, lineOf }: Csv): MatchOrganization[] {
  return rows.map((values, i) => {
    const organization: MatchOrganization = { id: (values.id ?? "").trim(), name: values.name ?? "" };
    const type = (values.type ?? "").trim();
    if (type !== "") {
      if (!isOrganizationType(type))
        throw new Error(`${path}: line ${lineOf(i)}: unknown organization type '${type}'`);
      organization.type = type as OrganizationType;
    }
    const psaId = (values.psaId ?? "").trim();
    if (psaId !== "") organization.psaId = psaId;
    return organization;
  });
}

/** From this many module organizations, `orgmap match` spreads the work over worker threads. */
const PARALLEL_FROM = 5000;
/** Module organizations a worker answers per message. */
const BATCH = 1000;

/** Answers module organizations: in this thread, or spread over worker threads. */
interface Answerer {
  /** Answers `queries`, handing each batch's answers to `onAnswers` as they come (in any order). */
  answer(queries: NumberedQuery[], onAnswers: (answers: PackedAnswers) => void): Promise<void>;
  close(): Promise<void>;
}

function inThread(organizations: MatchOrganization[], top: number): Answerer {
  // Built here, after the module organizations were read: a worker pool builds while they are.
  const index = buildMatchIndex({ organizations });
  return {
    answer: async (queries, onAnswers) => {
      for (let at = 0; at < queries.length; at += BATCH)
        onAnswers(packAnswers(answerRows(index, queries.slice(at, at + BATCH), top)));
    },
    close: async () => {},
  };
}

/** Waits for a worker's next message; fails if it errs or exits first. */
function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (value: T) => {
      done();
      resolve(value);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`match worker exited (${code})`));
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

/** The smallest batch sent to a worker (the last ones, see `workerPool`). */
const MIN_BATCH = 50;

/** Batches each worker holds at once: the next one is there when it finishes one. */
const IN_FLIGHT = 2;

/** `count` worker threads, each with its own index; batches go to whichever is free. */
async function workerPool(count: number, organizations: MatchOrganization[], top: number): Promise<Answerer> {
  const workers = Array.from(
    { length: count },
    () =>
      new Worker(new URL("./match.worker-boot.mjs", import.meta.url), { workerData: { organizations, top } }),
  );
  const close = async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  try {
    await Promise.all(workers.map((w) => nextMessage(w)));
  } catch (error) {
    await close();
    throw error;
  }
  let nextBatchId = 0;
  return {
    answer: (queries, onAnswers) =>
      new Promise<void>((resolve, reject) => {
        let next = 0;
        let outstanding = 0;
        let failed = false;
        const listeners: Array<() => void> = [];
        const finish = (error?: Error) => {
          if (failed) return;
          if (error !== undefined) failed = true;
          for (const off of listeners) off();
          if (error !== undefined) reject(error);
          else resolve();
        };
        const send = (worker: Worker): boolean => {
          if (next >= queries.length) return false;
          // Smaller batches towards the end, so that no worker is left with two while the other waits.
          const size = Math.max(MIN_BATCH, Math.min(BATCH, Math.ceil((queries.length - next) / (4 * count))));
          const batch: MatchBatch = { id: nextBatchId++, queries: queries.slice(next, next + size) };
          next += size;
          outstanding++;
          worker.postMessage(batch);
          return true;
        };
        for (const worker of workers) {
          const onMessage = (reply: MatchBatchAnswer) => {
            outstanding--;
            try {
              onAnswers(reply.packed);
            } catch (error) {
              finish(error as Error);
              return;
            }
            send(worker);
            if (outstanding === 0 && next >= queries.length) finish();
          };
          const onError = (error: Error) => finish(error);
          const onExit = (code: number) => finish(new Error(`match worker exited (${code})`));
          worker.on("message", onMessage);
          worker.on("error", onError);
          worker.on("exit", onExit);
          listeners.push(() => {
            worker.off("message", onMessage);
            worker.off("error", onError);
            worker.off("exit", onExit);
          });
        }
        for (let k = 0; k < IN_FLIGHT; k++) for (const worker of workers) send(worker);
        if (outstanding === 0) finish();
      }),
    close,
  };
}

/** Rows this far beyond the next to write are copied out of their batch's bytes, so that those can go. */
const FAR_AHEAD = 4 * BATCH;

/**
 * The answer's rows in the input's order, written as soon as every row before them is known (not kept
 * whole: the answer is about 100 MB for 200,000 module organizations), in chunks of about `BATCH` rows.
 */
class OrderedRows {
  private readonly waiting = new Map<number, Uint8Array>();
  private next = 0;
  private chunk: Uint8Array[] = [];
  constructor(private readonly out: NodeJS.WritableStream) {}

  /** The rows of a batch's answers. */
  put({ ats, ends, bytes }: PackedAnswers): void {
    let start = 0;
    for (let i = 0; i < ats.length; i++) {
      const at = ats[i] as number;
      const end = ends[i] as number;
      const rows = bytes.subarray(start, end);
      this.waiting.set(at, at - this.next > FAR_AHEAD ? rows.slice() : rows);
      start = end;
    }
  }

  /** Writes the rows known from the first not yet written on. */
  flush(): void {
    for (let rows = this.waiting.get(this.next); rows !== undefined; rows = this.waiting.get(this.next)) {
      this.waiting.delete(this.next++);
      if (rows.length === 0) continue;
      this.chunk.push(rows);
      if (this.chunk.length >= BATCH) this.end();
    }
  }

  /** Writes what the last chunk holds. */
  end(): void {
    if (this.chunk.length > 0) this.out.write(Buffer.concat(this.chunk));
    this.chunk = [];
  }
}

/**
 * `orgmap match`: suggests organizations for module organizations from two CSV files, without a
 * database, and writes `moduleOrganizationId,rank,organizationId,score,accept,reasons` CSV to `out`.
 * Organizations: `id,name[,type][,psaId]`; module organizations: `id,name[,parentId][,psaId]`. A sub-organization
 * whose parent gets an accepted suggestion follows it as parent evidence. From 5,000 module
 * organizations the work is spread over worker threads (one per core, at most `workers`, default 2).
 */
export async function runMatchCommand(
  options: MatchCommandOptions,
  out: NodeJS.WritableStream,
): Promise<void> {
  const top = options.top ?? 3;
  if (!Number.isInteger(top) || top < 1)
    throw new Error(`--top must be a positive integer, got ${options.top}`);
  const organizations = readOrganizations(
    options.organizationsPath,
    parseRows(options.organizationsPath, await readBytes(options.organizationsPath), ["id", "name"]),
  );
  const moduleText = await readBytes(options.moduleOrganizationsPath);
  const workers = Math.min(options.workers ?? 2, availableParallelism());
  // The workers start (and build their indexes) while this thread parses the module organizations.
  const pool =
    workers > 1 && lineBreaks(moduleText) - 1 >= (options.parallelFrom ?? PARALLEL_FROM)
      ? workerPool(workers, organizations, top)
      : null;
  pool?.catch(() => {}); // awaited below; a parse error must not leave it unhandled
  let moduleRows: Array<Record<string, string>>;
  try {
    moduleRows = parseRows(options.moduleOrganizationsPath, moduleText, ["id", "name"]).rows;
  } catch (error) {
    await (await pool?.catch(() => null))?.close();
    throw error;
  }
  const parentOf = new Map<string, string>();
  for (const values of moduleRows) {
    const parentId = (values.parentId ?? "").trim();
    if (parentId !== "") parentOf.set((values.id ?? "").trim(), parentId);
  }
  // Parents first, so that a site can follow its parent's accepted suggestion: one level at a time.
  const depth = (id: string): number => {
    let d = 0;
    for (let at = parentOf.get(id); at !== undefined && d < 50; at = parentOf.get(at)) d++;
    return d;
  };
  const levels: number[][] = [];
  moduleRows.forEach((row, i) => {
    const d = depth((row.id ?? "").trim());
    while (levels.length <= d) levels.push([]);
    (levels[d] as number[]).push(i);
  });
  const answerer = pool === null ? inThread(organizations, top) : await pool;
  const accepted = new Map<string, string>();
  out.write(stringify([["moduleOrganizationId", "rank", "organizationId", "score", "accept", "reasons"]]));
  const rows = new OrderedRows(out);
  try {
    for (const level of levels) {
      const queries: NumberedQuery[] = [];
      // Module organizations that ask the same (a name alone, often repeated) are answered once.
      const byName = new Map<string, NumberedQuery>();
      // Names likely to normalize alike go together, so that a worker ranks those that do once.
      const byHint = new Map<string, NumberedQuery>();
      for (const at of level) {
        const values = moduleRows[at] as Record<string, string>;
        const id = (values.id ?? "").trim();
        const query: MatchQuery = { id, name: values.name ?? "" };
        const psaId = (values.psaId ?? "").trim();
        if (psaId !== "") query.psaId = psaId;
        const parentId = parentOf.get(id);
        const parentTarget = parentId === undefined ? undefined : accepted.get(parentId);
        if (parentTarget !== undefined) query.parentOrganizationId = parentTarget;
        if (query.psaId !== undefined || query.parentOrganizationId !== undefined) {
          queries.push({ at, query });
          continue;
        }
        const first = byName.get(query.name);
        if (first !== undefined) {
          first.same ??= [];
          first.same.push({ at, id });
        } else {
          const numbered: NumberedQuery = { at, query };
          byName.set(query.name, numbered);
          const hint = alikeHint(query.name);
          const alike = byHint.get(hint);
          if (alike === undefined) {
            byHint.set(hint, numbered);
            queries.push(numbered);
          } else {
            alike.alike ??= [];
            alike.alike.push(numbered);
          }
        }
      }
      await answerer.answer(queries, (answers) => {
        rows.put(answers);
        for (const [i, organizationId] of answers.accepted) {
          const at = answers.ats[i] as number;
          const id = ((moduleRows[at] as Record<string, string>).id ?? "").trim();
          accepted.set(id, organizationId);
        }
        rows.flush();
      });
    }
  } finally {
    await answerer.close();
  }
  rows.end();
}
