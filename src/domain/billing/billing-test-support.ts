import type { MappingInterval } from "./attribution.ts";
import type { UsageInterval } from "./usage-ledger.ts";

/** Plain-data builders shared by the billing tests: November 2026 in UTC, days at midnight. */
export const day = (n: number) => new Date(Date.UTC(2026, 10, n));
export const NOVEMBER = { start: day(1), end: new Date(Date.UTC(2026, 11, 1)) };
export const ALWAYS = new Date(0);

export const mapped = (
  organizationId: string | null,
  from: Date,
  to: Date | null = null,
  isExcluded = false,
): MappingInterval => ({ organizationId, isExcluded, validFrom: from, validTo: to });

export const usage = (quantity: number | null, from: Date, to: Date | null = null): UsageInterval => ({
  quantity,
  unknownReason: quantity === null ? "failed" : null,
  validFrom: from,
  validTo: to,
});
