import { readFile } from "node:fs/promises";
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { isOrganizationType, type OrganizationType } from "../domain/organization.ts";
import { buildMatchIndex, type MatchOrganization, type MatchQuery, suggest } from "../matching/engine.ts";

/** Arguments of `orgmap match`. */
export interface MatchCommandOptions {
  organizationsPath: string;
  moduleOrganizationsPath: string;
  /** Candidates per module organization (default 3). */
  top?: number;
}

interface Row {
  line: number;
  values: Record<string, string>;
}

/** Reads a CSV file with a header row; every error names the file and the line. */
async function readCsv(path: string, required: readonly string[]): Promise<Row[]> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as Error).message})`);
  }
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      info: true,
      skip_empty_lines: true,
      trim: false,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new Error(`${path}: line ${line ?? "?"}: ${error.message}`);
    }
    throw error;
  }
  const first = records[0];
  const header = first === undefined ? [] : Object.keys(first.record);
  for (const column of required) {
    if (first !== undefined && !header.includes(column)) {
      throw new Error(`${path}: line 1: missing column '${column}' (header has: ${header.join(", ")})`);
    }
  }
  return records.map(({ record, info }) => {
    for (const column of required) {
      if ((record[column] ?? "").trim() === "") {
        throw new Error(`${path}: line ${info.lines}: empty '${column}'`);
      }
    }
    return { line: info.lines, values: record };
  });
}

function readOrganizations(path: string, rows: readonly Row[]): MatchOrganization[] {
  return rows.map(({ line, values }) => {
    const organization: MatchOrganization = { id: (values.id ?? "").trim(), name: values.name ?? "" };
    const type = (values.type ?? "").trim();
    if (type !== "") {
      if (!isOrganizationType(type))
        throw new Error(`${path}: line ${line}: unknown organization type '${type}'`);
      organization.type = type as OrganizationType;
    }
    const psaId = (values.psaId ?? "").trim();
    if (psaId !== "") organization.psaId = psaId;
    return organization;
  });
}

/**
 * `orgmap match`: suggests organizations for module organizations from two CSV files, without a
 * database, and writes `moduleOrganizationId,rank,organizationId,score,accept,reasons` CSV to `out`.
 * Organizations: `id,name[,type][,psaId]`; module organizations: `id,name[,parentId][,psaId]`. A sub-organization
 * whose parent gets an accepted suggestion follows it as parent evidence.
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
    await readCsv(options.organizationsPath, ["id", "name"]),
  );
  const moduleRows = await readCsv(options.moduleOrganizationsPath, ["id", "name"]);
  const index = buildMatchIndex({ organizations });
  const parentOf = new Map<string, string>();
  for (const { values } of moduleRows) {
    const parentId = (values.parentId ?? "").trim();
    if (parentId !== "") parentOf.set((values.id ?? "").trim(), parentId);
  }
  // Parents first, so that a site can follow its parent's accepted suggestion.
  const depth = (id: string): number => {
    let d = 0;
    for (let at = parentOf.get(id); at !== undefined && d < 50; at = parentOf.get(at)) d++;
    return d;
  };
  const ordered = moduleRows.map((row, i) => ({ row, i, depth: depth((row.values.id ?? "").trim()) }));
  ordered.sort((a, b) => a.depth - b.depth || a.i - b.i);
  const accepted = new Map<string, string>();
  const results: string[][][] = new Array(moduleRows.length);
  for (const { row, i } of ordered) {
    const id = (row.values.id ?? "").trim();
    const query: MatchQuery = { id, name: row.values.name ?? "" };
    const psaId = (row.values.psaId ?? "").trim();
    if (psaId !== "") query.psaId = psaId;
    const parentId = parentOf.get(id);
    const parentTarget = parentId === undefined ? undefined : accepted.get(parentId);
    if (parentTarget !== undefined) query.parentOrganizationId = parentTarget;
    const candidates = suggest(index, query, { top });
    const best = candidates[0];
    if (best?.accept) accepted.set(id, best.organizationId);
    results[i] = candidates.map((c, rank) => [
      id,
      String(rank + 1),
      c.organizationId,
      c.score.toFixed(3),
      String(c.accept),
      c.reasons.join("; "),
    ]);
  }
  out.write(stringify([["moduleOrganizationId", "rank", "organizationId", "score", "accept", "reasons"]]));
  for (const rows of results) if (rows !== undefined && rows.length > 0) out.write(stringify(rows));
}
