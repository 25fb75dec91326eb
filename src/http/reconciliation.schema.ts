import { z } from "zod";
import { RECONCILIATION_STATES, type ReconciliationState } from "../domain/billing/reconciliation.ts";
import { ORGANIZATION_TERMS } from "../domain/term.ts";
import type { ReconciliationService } from "../services/billing/reconciliation.service.ts";
import { answerMatches, BooleanQuery, ModuleKey, Timestamp } from "./common.schema.ts";
import { BillingTypeKey, DecimalText, UnitsPolicySchema } from "./service-mapping.schema.ts";

/**
 * Reconciliation (issue 9 item 6, product rule 14) per period: rows per (organization, service),
 * totals per state and per module, unmapped usage, the drill-down to the module organizations and
 * their readings, and the CSV export. Requests and answers; the web app infers its types from these.
 *
 * Money is exact decimal text (domain/billing/money.ts); format it with `formatMoney(parseDecimal(x),
 * currency, locale)` using the `currency` and `locale` each answer carries.
 */

export const ReconciliationStateSchema = z.enum(
  RECONCILIATION_STATES as unknown as [ReconciliationState, ...ReconciliationState[]],
);

/** "YYYY-MM" in the instance's time zone. */
export const PeriodKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

export const PeriodView = z.object({
  key: z.string(),
  timeZone: z.string(),
  start: Timestamp,
  /** Exclusive. */
  end: Timestamp,
  /** The period containing now: "latest" units are those in force now, not at its end. */
  isCurrent: z.boolean(),
  previousKey: z.string(),
  nextKey: z.string(),
});

/** The filters of the rows, the totals and the CSV export. */
export const ReconciliationFilter = z.object({
  /** Default: the current period. */
  period: PeriodKey.optional(),
  state: ReconciliationStateSchema.optional(),
  /** Everything but in_balance. */
  needsAttention: BooleanQuery.optional(),
  moduleKey: ModuleKey.optional(),
  organizationId: z.string().min(1).max(200).optional(),
  psaServiceId: z.string().min(1).max(64).optional(),
  /**
   * A piece of a name (the organization, the unmapped module organization, the PSA service, the
   * module and billing type; any case), or a whole PSA id or external id.
   */
  search: z.string().max(200).optional(),
});

export const RECONCILIATION_SORTS = ["attention", "organization", "service", "difference", "money"] as const;

/** GET /reconciliation: one page of rows (offset + total, as the mapping tabs). */
export const ReconciliationQuery = ReconciliationFilter.extend({
  /** `attention` (default): state order of RECONCILIATION_STATES, then the largest money, then units. */
  sort: z.enum(RECONCILIATION_SORTS).default("attention"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

/**
 * GET /reconciliation/summary: totals of the rows matching the module, organization, service and
 * search filters (every state is counted, so no state filter).
 */
export const ReconciliationSummaryQuery = ReconciliationFilter.omit({ state: true, needsAttention: true });

export const ReconciliationRowKeyParams = z.object({ key: z.string().min(1).max(600) });
export const ReconciliationPeriodQuery = z.object({ period: PeriodKey.optional() });

/** GET /reconciliation/export: the filtered rows as CSV (formula-safe), every page. */
export const ReconciliationExportQuery = ReconciliationFilter.extend({
  sort: z.enum(RECONCILIATION_SORTS).default("attention"),
});

const OrganizationRef = z.object({ id: z.string(), name: z.string(), psaId: z.string() });

/** A (module, billing type) feeding a row. */
export const RowBillingType = z.object({
  moduleKey: z.string(),
  moduleName: z.string(),
  billingType: z.string(),
  billingTypeLabel: z.string(),
  /** The service mapping's policy; null when the billing type has none. */
  policy: UnitsPolicySchema.nullable(),
});

export const ReconciliationRow = z.object({
  /** Stable within the period: the drill-down's key. */
  key: z.string(),
  state: ReconciliationStateSchema,
  /** Null for unmapped usage. */
  organization: OrganizationRef.nullable(),
  /** Null when the billing type has no service mapping. */
  service: z.object({ psaId: z.string(), name: z.string() }).nullable(),
  /** The organization's contract carrying the service (or its first active recurring one). */
  contract: z.object({ psaId: z.string(), name: z.string() }).nullable(),
  billingTypes: z.array(RowBillingType),
  /** Set on unmapped_usage rows (one per module organization and billing type): map it from here. */
  moduleOrganization: z
    .object({ id: z.string(), moduleKey: z.string(), externalId: z.string(), name: z.string() })
    .nullable(),
  /** Module organizations whose usage made the units. */
  sourceCount: z.number().int(),
  /** What the period should bill; null when no reading was ever known. */
  desiredUnits: z.number().int().nullable(),
  /** What the PSA bills for the period; null when there is no contract service to compare. */
  psaUnits: z.number().int().nullable(),
  /** Desired minus PSA units: positive is revenue lost. Null when either is unknown. */
  differenceUnits: z.number().int().nullable(),
  /** Units at stake: |difference|, or the desired units where nothing bills them. */
  unitsAtStake: z.number().int(),
  /** Unit price used for the money: the contract service's, else the service's list price. */
  unitPrice: DecimalText.nullable(),
  priceSource: z.enum(["contract", "service"]).nullable(),
  /** Money at stake, signed like the difference (positive: revenue lost); null: unknown price. */
  money: DecimalText.nullable(),
  /** An unknown (failed, skipped or stale) reading counted with its last known quantity (rule 13). */
  isStale: z.boolean(),
  /** The PSA has approved and posted (invoiced) the period for this contract service. */
  isInvoiced: z.boolean(),
});

export const StateTotalSchema = z.object({
  state: ReconciliationStateSchema,
  rows: z.number().int(),
  units: z.number().int(),
  /** Sum of |money| of the rows whose money is known. */
  money: DecimalText,
  /** Rows whose money is unknown (no price): the money is a lower bound. */
  rowsWithoutMoney: z.number().int(),
});

export const ModuleTotalSchema = z.object({
  moduleKey: z.string(),
  moduleName: z.string(),
  /** Every state, even at zero; a row fed by two modules counts in both. */
  byState: z.array(StateTotalSchema),
  /** The last complete usage read; null: never. */
  lastCompleteUsageReadAt: Timestamp.nullable(),
  /** The last usage read is older than `staleAfterHours` (or there is none): its sources are stale. */
  isStale: z.boolean(),
});

/** Instance settings every reconciliation answer carries, for labels and money. */
const Presentation = {
  currency: z.string(),
  locale: z.string(),
  organizationTerm: z.enum(ORGANIZATION_TERMS),
};

export const ReconciliationPage = z.object({
  period: PeriodView,
  /** When the period's snapshot was computed (rows are recomputed when data changes). */
  computedAt: Timestamp,
  items: z.array(ReconciliationRow),
  /** Rows the filters match. */
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  ...Presentation,
});

/** GET /reconciliation/summary: the first thing an admin reads ("under-billed: 214 units, $3,420.00"). */
export const ReconciliationSummary = z.object({
  period: PeriodView,
  computedAt: Timestamp,
  /** Every state, in RECONCILIATION_STATES order, even at zero. */
  totals: z.array(StateTotalSchema),
  modules: z.array(ModuleTotalSchema),
  /** Module organizations with usage and no mapping (the unmapped_usage rows' distinct sources). */
  unmappedModuleOrganizations: z.number().int(),
  /** When the PSA contracts were last read; null: never (every mapped row is then no_contract). */
  contractsReadAt: Timestamp.nullable(),
  staleAfterHours: z.number(),
  ...Presentation,
});

export const ReadingView = z.object({
  /** Null while unknown (never 0 for a reading that could not be taken). */
  quantity: z.number().int().nullable(),
  unknownReason: z.enum(["failed", "skipped", "stale"]).nullable(),
  validFrom: Timestamp,
  validTo: Timestamp.nullable(),
});

export const MappingIntervalView = z.object({
  organizationId: z.string().nullable(),
  organizationName: z.string().nullable(),
  isExcluded: z.boolean(),
  validFrom: Timestamp,
  validTo: Timestamp.nullable(),
});

export const RowSource = z.object({
  moduleOrganization: z.object({
    id: z.string(),
    moduleKey: z.string(),
    moduleName: z.string(),
    externalId: z.string(),
    name: z.string(),
  }),
  billingType: BillingTypeKey,
  billingTypeLabel: z.string(),
  /** Units it counts at the deciding time (last known when unknown); null: none known. */
  units: z.number().int().nullable(),
  unknownReason: z.enum(["failed", "skipped", "stale"]).nullable(),
  /** Its readings overlapping the period (plus the last known one before it). */
  readings: z.array(ReadingView),
  /** Its dated mappings overlapping the period (rule 12). */
  mappings: z.array(MappingIntervalView),
});

/** GET /reconciliation/rows/:key: one row with the module organizations whose usage made it. */
export const ReconciliationRowDetail = z.object({
  period: PeriodView,
  row: ReconciliationRow,
  /** The sources with the most units first, at most 200 (`moreSources` says how many are left out). */
  sources: z.array(RowSource),
  moreSources: z.number().int(),
  /** The organization's total units through the period: a move on the 15th shows as two steps. */
  steps: z.array(
    z.object({ from: Timestamp, to: Timestamp, units: z.number().int(), unknownSources: z.number().int() }),
  ),
  ...Presentation,
});

/** The CSV text (text/csv; every cell formula-safe). */
export const ReconciliationCsv = z.string();

answerMatches<z.infer<typeof ReconciliationPage>, Awaited<ReturnType<ReconciliationService["list"]>>>(true);
answerMatches<z.infer<typeof ReconciliationSummary>, Awaited<ReturnType<ReconciliationService["summary"]>>>(
  true,
);
answerMatches<z.infer<typeof ReconciliationRowDetail>, Awaited<ReturnType<ReconciliationService["row"]>>>(
  true,
);
