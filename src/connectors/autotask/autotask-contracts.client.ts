import { type BillingPeriod, nextPeriod, previousPeriod } from "../../domain/billing/period.ts";
import type { PsaContractData } from "../../domain/billing/psa-contracts.ts";
import {
  type ConnectorDeps,
  ConnectorError,
  type ContractsWindow,
  type RejectedRecord,
} from "../connector.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { startCountedSession } from "../http/request-counter.ts";
import { type MapResult, rejection, SeenIds } from "../record-checks.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";
import {
  mapAutotaskContract,
  mapAutotaskContractService,
  mapAutotaskContractServiceUnit,
  mapAutotaskService,
} from "./autotask-contracts.mapper.ts";
import {
  AUTOTASK_VENDOR,
  type AutotaskFilter,
  asObject,
  autotaskHeaders,
  queryAll,
} from "./autotask-rest.ts";

const VENDOR = AUTOTASK_VENDOR;
/** Ids per "in" condition: one query per chunk keeps each request's body and URL small. */
export const IN_CHUNK = 200;

/** Calendar dates of the read: from the previous period's first day up to (not into) the next period. */
export type { ContractsWindow };

export type AutotaskContractsRead =
  | { kind: "complete"; data: PsaContractData; rejected: RejectedRecord[]; requestCount: number }
  | { kind: "failed"; error: ConnectorError; requestCount: number };

/** The window of the current period and the one before it, as Autotask's calendar dates. */
export function contractsWindow(current: BillingPeriod): ContractsWindow {
  return { from: `${previousPeriod(current).key}-01`, to: `${nextPeriod(current).key}-01` };
}

/** Picklist value of `label` in one field of GET /V1.0/Contracts/entityInformation/fields. */
function picklistValue(fields: unknown, fieldName: string, labels: readonly string[]): number | string {
  const list = Array.isArray(asObject(fields).fields) ? (asObject(fields).fields as unknown[]) : [];
  const field = list.map(asObject).find((f) => String(f.name).toLowerCase() === fieldName.toLowerCase());
  const values = Array.isArray(field?.picklistValues) ? field.picklistValues.map(asObject) : [];
  const wanted = labels.map((label) => label.toLowerCase());
  const entry = values.find((value) => wanted.includes(String(value.label).trim().toLowerCase()));
  if (!entry || (typeof entry.value !== "string" && typeof entry.value !== "number")) {
    throw new ConnectorError(
      `${VENDOR}: the Contracts field ${fieldName} has no picklist value ${labels.map((l) => `"${l}"`).join(" or ")}`,
    );
  }
  return typeof entry.value === "string" && /^\d+$/.test(entry.value) ? Number(entry.value) : entry.value;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < values.length; index += size) out.push(values.slice(index, index + size));
  return out;
}

async function collect<T>(
  pages: AsyncIterable<unknown[]>,
  map: (raw: unknown) => MapResult<T>,
  into: T[],
  rejected: RejectedRecord[],
): Promise<void> {
  for await (const items of pages) {
    for (const raw of items) {
      const result = map(raw);
      if ("record" in result) into.push(result.record);
      else if ("rejected" in result) rejected.push(result.rejected);
    }
  }
}

const numericIds = (ids: Iterable<string>) => [...new Set(ids)].map(Number).filter(Number.isSafeInteger);

/**
 * Reads what billing needs from Autotask for the window (the current and previous periods):
 * the contract type and status picklists (1 request), active recurring service contracts that
 * overlap the window, their contract services, their units in the window, and the services they
 * name. Children are asked by contract id, IN_CHUNK ids per query. Never throws: a failure comes
 * back as `failed`, with the requests spent either way.
 */
export async function readAutotaskContracts(
  rawSettings: AutotaskSettings,
  secrets: AutotaskSecrets,
  window: ContractsWindow,
  deps: ConnectorDeps = {},
  signal?: AbortSignal,
): Promise<AutotaskContractsRead> {
  const settings = withoutTrailingSlash(rawSettings);
  const { http, requestCount } = startCountedSession(
    {
      vendor: VENDOR,
      ...settings,
      secrets: [secrets.secret, secrets.apiIntegrationCode, secrets.userName],
      deps,
    },
    signal,
  );
  const data: PsaContractData = {
    services: [],
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  const rejected: RejectedRecord[] = [];
  const seen = new SeenIds();
  /** Every record of `entity` that matches `filter`, mapped into `into` (or `rejected`). */
  const read = <T>(
    entity: string,
    filter: AutotaskFilter[],
    fields: readonly string[],
    map: (raw: unknown) => MapResult<T>,
    into: T[],
  ) => collect(queryAll(http, settings, secrets, entity, filter, fields), map, into, rejected);
  try {
    const fields = await http.requestJson({
      url: `${settings.baseUrl}/V1.0/Contracts/entityInformation/fields`,
      headers: autotaskHeaders(secrets),
    });
    const recurring = picklistValue(fields, "contractType", ["Recurring Service", "Recurring Services"]);
    const active = picklistValue(fields, "status", ["Active"]);
    const contractFilter: AutotaskFilter[] = [
      { op: "eq", field: "contractType", value: recurring },
      { op: "eq", field: "status", value: active },
      { op: "lt", field: "startDate", value: window.to },
      { op: "gte", field: "endDate", value: window.from },
    ];
    const contractFields = [
      "id",
      "companyID",
      "contractName",
      "contractType",
      "status",
      "startDate",
      "endDate",
    ];
    await read(
      "Contracts",
      contractFilter,
      contractFields,
      (raw) => mapAutotaskContract(raw, seen),
      data.contracts,
    );
    for (const ids of chunks(numericIds(data.contracts.map((c) => c.psaId)), IN_CHUNK)) {
      const byContract: AutotaskFilter = { op: "in", field: "contractID", value: ids };
      await read(
        "ContractServices",
        [byContract],
        ["id", "contractID", "serviceID", "unitPrice"],
        (raw) => mapAutotaskContractService(raw, seen),
        data.contractServices,
      );
      const unitFilter: AutotaskFilter[] = [
        byContract,
        { op: "lt", field: "startDate", value: window.to },
        { op: "gte", field: "endDate", value: window.from },
      ];
      const unitFields = [
        "id",
        "contractID",
        "contractServiceID",
        "serviceID",
        "startDate",
        "endDate",
        "units",
        "approveAndPostDate",
      ];
      await read(
        "ContractServiceUnits",
        unitFilter,
        unitFields,
        (raw) => mapAutotaskContractServiceUnit(raw, seen),
        data.contractServiceUnits,
      );
    }
    for (const ids of chunks(numericIds(data.contractServices.map((s) => s.servicePsaId)), IN_CHUNK)) {
      await read(
        "Services",
        [{ op: "in", field: "id", value: ids }],
        ["id", "name", "unitPrice", "isActive"],
        (raw) => mapAutotaskService(raw, seen),
        data.services,
      );
    }
  } catch (error) {
    const failure =
      error instanceof ConnectorError ? error : new ConnectorError(`${VENDOR}: ${(error as Error).message}`);
    return { kind: "failed", error: failure, requestCount: requestCount() };
  }
  return { kind: "complete", data, rejected: dropOrphans(data, rejected), requestCount: requestCount() };
}

/** A child whose parent was rejected cannot be billed against: say so rather than drop it silently. */
function dropOrphans(data: PsaContractData, rejected: RejectedRecord[]): RejectedRecord[] {
  const contracts = new Set(data.contracts.map((c) => c.psaId));
  const kept = data.contractServices.filter((s) => contracts.has(s.contractPsaId));
  for (const orphan of data.contractServices.filter((s) => !contracts.has(s.contractPsaId))) {
    const raw = { id: orphan.psaId, contractID: orphan.contractPsaId, serviceID: orphan.servicePsaId };
    rejected.push(
      rejection(
        `contract service ${orphan.psaId} names contract ${orphan.contractPsaId}, which was not read`,
        raw,
      ),
    );
  }
  data.contractServices = kept;
  return rejected;
}
