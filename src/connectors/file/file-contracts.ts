import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parseDecimal } from "../../domain/billing/money.ts";
import type { PsaContractData } from "../../domain/billing/psa-contracts.ts";
import {
  type ConnectorContractsRead,
  ConnectorError,
  type RejectedRecord,
  readFailure,
} from "../connector.ts";
import { MAX_ID_LENGTH, MAX_NAME_LENGTH, rejection } from "../record-checks.ts";
import { resolveImportFile } from "./import-file.ts";

/**
 * The PSA's contracts from a JSON file, for PSAs without an Autotask connection and for the demo:
 * `{ services, contracts, contractServices, contractServiceUnits }`, each a list in the shapes of
 * `domain/billing/psa-contracts.ts` (prices as decimal strings or numbers, dates "YYYY-MM-DD").
 * Each record is checked with zod; one that does not fit is rejected with its list, position and
 * the reason, the rest are kept. A file that cannot be read or is no such object is a failed read
 * (the stored contracts stay as they were).
 */

const id = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(z.string().trim().min(1).max(MAX_ID_LENGTH));
const name = z.string().trim().min(1).max(MAX_NAME_LENGTH);
const date = z.iso.date({ error: "must be a date YYYY-MM-DD" });
const price = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value, ctx) => {
    if (value === null || value === undefined) return null;
    const parsed = parseDecimal(value);
    if (parsed === null) ctx.addIssue({ code: "custom", message: "must be a decimal number" });
    return parsed;
  });
const withDates = <T extends { startDate: string; endDate: string }>(schema: z.ZodType<T>) =>
  schema.refine((record) => record.endDate >= record.startDate, {
    error: "endDate is before startDate",
    path: ["endDate"],
  });

const serviceSchema = z.object({
  psaId: id,
  name,
  unitPrice: price,
  isActive: z.boolean().default(true),
});
const contractSchema = withDates(
  z.object({ psaId: id, organizationPsaId: id, name, startDate: date, endDate: date }),
);
const contractServiceSchema = z.object({
  psaId: id,
  contractPsaId: id,
  servicePsaId: id,
  unitPrice: price,
});
const unitSchema = withDates(
  z.object({
    psaId: id,
    contractPsaId: id,
    contractServicePsaId: id,
    servicePsaId: id,
    startDate: date,
    endDate: date,
    units: z.number().int().min(0),
    approveAndPostDate: date.nullish().transform((value) => value ?? null),
  }),
);

const LISTS = {
  services: serviceSchema,
  contracts: contractSchema,
  contractServices: contractServiceSchema,
  contractServiceUnits: unitSchema,
} as const;

/** Parses the file's text; throws ConnectorError when it is not a JSON object of lists. */
export function parseContractsJson(
  text: string,
  path: string,
): { data: PsaContractData; rejected: RejectedRecord[] } {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    // The parser's message quotes the text: not for users.
    throw new ConnectorError(`file: ${path} is not valid JSON`, { code: "bad_response" });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ConnectorError(
      `file: ${path} must hold a JSON object with services, contracts, contractServices and contractServiceUnits`,
      { code: "bad_response" },
    );
  }
  const rejected: RejectedRecord[] = [];
  const data = {} as Record<keyof typeof LISTS, unknown[]>;
  for (const [list, schema] of Object.entries(LISTS) as [keyof typeof LISTS, z.ZodType][]) {
    const items = (body as Record<string, unknown>)[list] ?? [];
    if (!Array.isArray(items)) {
      throw new ConnectorError(`file: ${path}: ${list} must be a list`, { code: "bad_response" });
    }
    const seen = new Set<string>();
    data[list] = [];
    items.forEach((item, index) => {
      const where = `${list} item ${index + 1}`;
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.map(String).join(".") ?? "";
        rejected.push(
          rejection(`${where}: ${field === "" ? "" : `${field}: `}${issue?.message ?? "invalid"}`, item),
        );
        return;
      }
      const record = parsed.data as { psaId: string };
      if (seen.has(record.psaId)) {
        rejected.push(
          rejection(`${where}: psaId ${record.psaId} was given earlier in ${list}; the first is kept`, item),
        );
        return;
      }
      seen.add(record.psaId);
      data[list].push(record);
    });
  }
  return dropOrphans(data as unknown as PsaContractData, rejected);
}

/** A contract service or unit row whose contract (or contract service) is not in the file cannot be billed against. */
function dropOrphans(
  data: PsaContractData,
  rejected: RejectedRecord[],
): { data: PsaContractData; rejected: RejectedRecord[] } {
  const contracts = new Set(data.contracts.map((c) => c.psaId));
  const contractServices = data.contractServices.filter((cs) => {
    if (contracts.has(cs.contractPsaId)) return true;
    rejected.push(
      rejection(`contract service ${cs.psaId} names contract ${cs.contractPsaId}, which is not in the file`, {
        ...cs,
        unitPrice: String(cs.unitPrice),
      }),
    );
    return false;
  });
  const kept = new Set(contractServices.map((cs) => cs.psaId));
  const contractServiceUnits = data.contractServiceUnits.filter((unit) => {
    if (kept.has(unit.contractServicePsaId)) return true;
    rejected.push(
      rejection(
        `contract service unit ${unit.psaId} names contract service ${unit.contractServicePsaId}, which is not in the file`,
        unit,
      ),
    );
    return false;
  });
  return { data: { ...data, contractServices, contractServiceUnits }, rejected };
}

/** Reads a contracts file inside the import folder (links out of it refused). Never throws. */
export async function readFileContracts(
  path: string,
  importDir: string | undefined,
  signal?: AbortSignal,
): Promise<ConnectorContractsRead> {
  try {
    const text = await readFile(await resolveImportFile(importDir, path), { encoding: "utf8", signal });
    return { kind: "complete", ...parseContractsJson(text, path), requestCount: 0 };
  } catch (error) {
    return { kind: "failed", failure: readFailure(error, "file"), requestCount: 0 };
  }
}
