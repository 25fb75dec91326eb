import type { Db } from "../../db/database.ts";
import { ReconciliationRepository, type StoredRow } from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { billingTypeLabel } from "../../domain/billing/billing-types.ts";
import { formatDecimal, parseDecimal, sumAmounts } from "../../domain/billing/money.ts";
import type { BillingPeriod } from "../../domain/billing/period.ts";
import { RECONCILIATION_STATES, type ReconciliationState } from "../../domain/billing/reconciliation.ts";
import { type Names, type StoredDetail, stepsView } from "./reconciliation-views.ts";

/** The drill-down lists at most this many sources (the largest first). */
export const DETAIL_SOURCES = 200;

/** Every state in RECONCILIATION_STATES order, zero where no row has it; money exact. */
export function stateTotals(
  totals: readonly { state: string; rows: number; units: number; money: string; rowsWithoutMoney: number }[],
) {
  return RECONCILIATION_STATES.map((state: ReconciliationState) => {
    const found = totals.filter((t) => t.state === state);
    return {
      state,
      rows: found.reduce((sum, t) => sum + t.rows, 0),
      units: found.reduce((sum, t) => sum + t.units, 0),
      money: formatDecimal(sumAmounts(found.map((t) => parseDecimal(t.money) ?? 0n))),
      rowsWithoutMoney: found.reduce((sum, t) => sum + t.rowsWithoutMoney, 0),
    };
  });
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * The sources of one row (the module organizations whose usage made it, largest first), each with
 * its readings in the period and its dated mappings (rule 12), and the organization's steps.
 */
export async function rowDetail(db: Db, period: BillingPeriod, row: StoredRow, names: Names) {
  const detail = row.detail as StoredDetail;
  const sources = [...detail.sources].sort((a, b) => (b.u ?? -1) - (a.u ?? -1)).slice(0, DETAIL_SOURCES);
  const ids = [...new Set(sources.map((s) => s.m))];
  const repos = repositories(db);
  const repo = new ReconciliationRepository(db);
  const [readings, mappings, moduleOrganizations] = [
    await repos.usageLedger.intervalsForPeriod(ids, period),
    await repos.mappingIntervals.mappingIntervals(ids, period),
    await repo.moduleOrganizations(ids),
  ];
  const organizationIds = [
    ...new Set(
      [...mappings.values()].flat().flatMap((m) => (m.organizationId === null ? [] : [m.organizationId])),
    ),
  ];
  const organizations = new Map((await repo.organizations(organizationIds)).map((o) => [o.id, o.name]));
  const byId = new Map(moduleOrganizations.map((m) => [m.id, m]));
  return {
    sources: sources.map((source) => {
      const moduleOrganization = byId.get(source.m);
      const module = moduleOrganization ? names.modules.get(moduleOrganization.moduleKey) : undefined;
      return {
        moduleOrganization: {
          id: source.m,
          moduleKey: moduleOrganization?.moduleKey ?? "",
          moduleName: module?.name ?? moduleOrganization?.moduleKey ?? "",
          externalId: moduleOrganization?.externalId ?? "",
          name: moduleOrganization?.name ?? "",
        },
        billingType: source.b,
        billingTypeLabel: billingTypeLabel(source.b, module?.connectorKind ?? null),
        units: source.u,
        unknownReason: source.r,
        readings: readings
          .filter((r) => r.moduleOrganizationId === source.m && r.billingType === source.b)
          .map((r) => ({
            quantity: r.quantity,
            unknownReason: r.unknownReason,
            validFrom: r.validFrom.toISOString(),
            validTo: iso(r.validTo),
          })),
        mappings: (mappings.get(source.m) ?? []).map((m) => ({
          organizationId: m.organizationId,
          organizationName: m.organizationId === null ? null : (organizations.get(m.organizationId) ?? null),
          isExcluded: m.isExcluded,
          validFrom: m.validFrom.toISOString(),
          validTo: iso(m.validTo),
        })),
      };
    }),
    moreSources: detail.sources.length - sources.length,
    steps: stepsView(detail),
  };
}
