import { parseDecimal } from "../../domain/billing/money.ts";
import type {
  PsaContract,
  PsaContractService,
  PsaContractServiceUnit,
  PsaService,
} from "../../domain/billing/psa-contracts.ts";
import { readQuantity } from "../../domain/billing/usage-ledger.ts";
import {
  checkId,
  checkName,
  type MapResult,
  optionalText,
  rejection,
  type SeenIds,
} from "../record-checks.ts";

/**
 * Maps Autotask's contract entities to the PSA records billing uses. A record that cannot be
 * used is rejected with the reason in words; a missing or unreadable price is no rejection: the
 * units still reconcile and the money says unknown.
 */

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/;

function asRecord(raw: unknown): Record<string, unknown> | null {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw)
    ? (raw as Record<string, unknown>)
    : null;
}

/** Autotask sends dates as "2026-11-01T00:00:00Z" (or without the zone): the calendar date is kept. */
export function autotaskDate(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const match = DATE.exec(value.trim());
  return match?.[1] ?? null;
}

type Checks = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

function ids(record: Record<string, unknown>, fields: readonly string[]): Checks {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const checked = checkId(record[field], field);
    if (!checked.ok) return { ok: false, reason: checked.reason };
    values[field] = checked.value;
  }
  return { ok: true, values };
}

function dates(
  record: Record<string, unknown>,
): { ok: true; start: string; end: string } | { ok: false; reason: string } {
  const start = autotaskDate(record.startDate);
  if (start === null) return { ok: false, reason: "startDate missing or not a date" };
  const end = autotaskDate(record.endDate);
  if (end === null) return { ok: false, reason: "endDate missing or not a date" };
  if (end < start) return { ok: false, reason: `endDate ${end} is before startDate ${start}` };
  return { ok: true, start, end };
}

export function mapAutotaskService(raw: unknown, seen: SeenIds): MapResult<PsaService> {
  const record = asRecord(raw);
  if (!record) return { rejected: rejection("not an object", raw) };
  const checked = ids(record, ["id"]);
  if (!checked.ok) return { rejected: rejection(checked.reason, raw) };
  const id = checked.values.id!;
  if (!seen.claim(`service:${id}`)) return { rejected: rejection(`service ${id} appeared twice`, raw) };
  const name = checkName(record.name);
  return {
    record: {
      psaId: id,
      name: name.ok ? name.value : `Service ${id}`,
      unitPrice: parseDecimal(record.unitPrice),
      isActive: record.isActive !== false,
    },
  };
}

export function mapAutotaskContract(raw: unknown, seen: SeenIds): MapResult<PsaContract> {
  const record = asRecord(raw);
  if (!record) return { rejected: rejection("not an object", raw) };
  const checked = ids(record, ["id", "companyID"]);
  if (!checked.ok) return { rejected: rejection(checked.reason, raw) };
  const id = checked.values.id!;
  const period = dates(record);
  if (!period.ok) return { rejected: rejection(`contract ${id}: ${period.reason}`, raw) };
  if (!seen.claim(`contract:${id}`)) return { rejected: rejection(`contract ${id} appeared twice`, raw) };
  return {
    record: {
      psaId: id,
      organizationPsaId: checked.values.companyID!,
      name: optionalText(record.contractName) ?? `Contract ${id}`,
      startDate: period.start,
      endDate: period.end,
    },
  };
}

export function mapAutotaskContractService(raw: unknown, seen: SeenIds): MapResult<PsaContractService> {
  const record = asRecord(raw);
  if (!record) return { rejected: rejection("not an object", raw) };
  const checked = ids(record, ["id", "contractID", "serviceID"]);
  if (!checked.ok) return { rejected: rejection(checked.reason, raw) };
  const id = checked.values.id!;
  if (!seen.claim(`contractService:${id}`)) {
    return { rejected: rejection(`contract service ${id} appeared twice`, raw) };
  }
  return {
    record: {
      psaId: id,
      contractPsaId: checked.values.contractID!,
      servicePsaId: checked.values.serviceID!,
      unitPrice: parseDecimal(record.unitPrice),
    },
  };
}

export function mapAutotaskContractServiceUnit(
  raw: unknown,
  seen: SeenIds,
): MapResult<PsaContractServiceUnit> {
  const record = asRecord(raw);
  if (!record) return { rejected: rejection("not an object", raw) };
  const checked = ids(record, ["id", "contractID", "contractServiceID", "serviceID"]);
  if (!checked.ok) return { rejected: rejection(checked.reason, raw) };
  const id = checked.values.id!;
  const period = dates(record);
  if (!period.ok) return { rejected: rejection(`contract service unit ${id}: ${period.reason}`, raw) };
  const units = readQuantity(record.units);
  if (!units.ok)
    return {
      rejected: rejection(`contract service unit ${id}: ${units.reason.replace("quantity", "units")}`, raw),
    };
  if (!seen.claim(`contractServiceUnit:${id}`)) {
    return { rejected: rejection(`contract service unit ${id} appeared twice`, raw) };
  }
  return {
    record: {
      psaId: id,
      contractPsaId: checked.values.contractID!,
      contractServicePsaId: checked.values.contractServiceID!,
      servicePsaId: checked.values.serviceID!,
      startDate: period.start,
      endDate: period.end,
      units: units.value,
      approveAndPostDate: autotaskDate(record.approveAndPostDate),
    },
  };
}
