import type { AutotaskContractsData } from "./autotask-contracts.server.ts";
import type { RecordedRequest, Reply } from "./vendor-server.ts";

/**
 * ContractServiceAdjustments of the emulated Autotask API (issue 10): `POST
 * /V1.0/ContractServiceAdjustments` validates the create as Autotask does, applies the unit change
 * to the period's ContractServiceUnits row (made when the period has none yet), refuses a period
 * that was approved and posted (invoiced), and keeps every adjustment in `contractServiceAdjustments`.
 * Wired into startAutotaskServer through its `contracts` data (one line there).
 *
 * Faults:
 * - `adjustmentFaults` fire BEFORE anything is written: 429 (with Retry-After) and 500 with
 *   Autotask's `{"errors":[...]}` body; nothing is applied.
 * - the server's common `faults` with `path: "/V1.0/ContractServiceAdjustments"` fire AFTER the
 *   write (the route has run): `hang` is "applied but the answer lost" (the client times out),
 *   `malformed` a garbled answer to an applied create, `500` an error answer to an applied create.
 */

export type AdjustmentFault = { kind: "429"; retryAfter?: string } | { kind: "500"; message?: string };

export interface AutotaskAdjustmentsData extends AutotaskContractsData {
  contractServiceAdjustments?: Record<string, unknown>[];
  adjustmentFaults?: { fault: AdjustmentFault; times?: number }[];
}

const errorBody = (message: string) => ({ errors: [message] });
const PATH = "/V1.0/ContractServiceAdjustments";

type Row = Record<string, unknown>;

function lastDayOf(periodKey: string): string {
  const [year, month] = periodKey.split("-").map(Number) as [number, number];
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${periodKey}-${String(day).padStart(2, "0")}`;
}

const dateOf = (value: unknown) => (typeof value === "string" ? value.slice(0, 10) : "");

/** Answers POST /V1.0/ContractServiceAdjustments, or null for any other request. */
export function routeAutotaskAdjustments(
  request: RecordedRequest,
  data: AutotaskAdjustmentsData,
): Reply | null {
  if (request.path !== PATH || request.method !== "POST") return null;
  const fault = data.adjustmentFaults?.find((rule) => (rule.times ?? 1) > 0);
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.fault.kind === "429") {
      const headers: Record<string, string> =
        fault.fault.retryAfter === undefined ? {} : { "retry-after": fault.fault.retryAfter };
      return { status: 429, headers, json: errorBody("Rate limit exceeded") };
    }
    return { status: 500, json: errorBody(fault.fault.message ?? "Internal server error (emulated)") };
  }
  let body: Row;
  try {
    body = JSON.parse(request.body) as Row;
  } catch {
    return { status: 500, json: errorBody("Unable to parse the request body") };
  }
  const { contractID, contractServiceID, unitChange, effectiveDate } = body;
  if (typeof unitChange !== "number" || !Number.isInteger(unitChange) || unitChange === 0) {
    return { status: 500, json: errorBody("unitChange must be a non-zero integer") };
  }
  if (typeof effectiveDate !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(effectiveDate)) {
    return { status: 500, json: errorBody("effectiveDate is required") };
  }
  const service = (data.contractServices ?? []).find((s) => (s as Row).id === contractServiceID) as
    | Row
    | undefined;
  if (!service || service.contractID !== contractID) {
    return {
      status: 500,
      json: errorBody(
        `ContractService ${String(contractServiceID)} not found on contract ${String(contractID)}`,
      ),
    };
  }
  const day = effectiveDate.slice(0, 10);
  data.contractServiceUnits ??= [];
  const units = data.contractServiceUnits as Row[];
  let row = units.find(
    (unit) =>
      unit.contractServiceID === contractServiceID &&
      dateOf(unit.startDate) <= day &&
      day <= dateOf(unit.endDate),
  );
  if (row?.approveAndPostDate) {
    return {
      status: 500,
      json: errorBody("The contract service period has been approved and posted and cannot be adjusted."),
    };
  }
  const current = typeof row?.units === "number" ? row.units : 0;
  if (current + unitChange < 0) {
    return {
      status: 500,
      json: errorBody(`The adjustment would make the units negative (${current} + ${unitChange})`),
    };
  }
  if (!row) {
    const periodKey = day.slice(0, 7);
    row = {
      id: 900_000 + units.length,
      contractID,
      contractServiceID,
      serviceID: service.serviceID,
      startDate: `${periodKey}-01T00:00:00Z`,
      endDate: `${lastDayOf(periodKey)}T00:00:00Z`,
      units: 0,
      approveAndPostDate: null,
    };
    units.push(row);
  }
  row.units = current + unitChange;
  data.contractServiceAdjustments ??= [];
  const id = 700_000 + data.contractServiceAdjustments.length;
  data.contractServiceAdjustments.push({
    id,
    contractID,
    contractServiceID,
    unitChange,
    effectiveDate: `${day}T00:00:00Z`,
    adjustedUnitPrice: body.adjustedUnitPrice ?? null,
  });
  return { status: 200, json: { itemId: id } };
}

/** The units the emulator bills a contract service for a period ("YYYY-MM"), 0 without a row. */
export function emulatedUnits(
  data: AutotaskAdjustmentsData,
  contractServiceID: number,
  periodKey: string,
): number {
  return (data.contractServiceUnits ?? [])
    .map((unit) => unit as Row)
    .filter(
      (unit) => unit.contractServiceID === contractServiceID && dateOf(unit.startDate).startsWith(periodKey),
    )
    .reduce((sum, unit) => sum + (typeof unit.units === "number" ? unit.units : 0), 0);
}
