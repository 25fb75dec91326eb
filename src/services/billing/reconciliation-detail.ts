import type { Db } from "../../db/database.ts";
import {
  ReconciliationRepository,
  type RemovedRow,
  type SnapshotTotals,
  type StateTotalsRow,
} from "../../db/reconciliation.repository.ts";
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
export async function rowDetail(db: Db, period: BillingPeriod, detail: StoredDetail, names: Names) {
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

/**
 * The unfiltered totals of a period's rows, as `totalsByState`, `totalsByModule` and
 * `unmappedModuleOrganizations` answer them with no filter: stored with the snapshot (migration
 * 0013), so the summary with no filter reads one row instead of aggregating the period.
 */
export function snapshotTotals(rows: readonly RemovedRow[]): SnapshotTotals {
  interface Total {
    rows: number;
    units: number;
    money: bigint;
    rowsWithoutMoney: number;
  }
  const byState = new Map<string, Total>();
  // Per module, then per state; `byModule` lists them in the order first met.
  const moduleStates = new Map<string, Map<string, Total>>();
  const byModule: { moduleKey: string; state: string; total: Total }[] = [];
  // Each amount's text read once (the stored rows share a few thousand texts).
  const amounts = new Map<string, bigint>();
  const unmapped = new Set<string>();
  const add = (total: Total, units: number, money: bigint, withoutMoney: boolean) => {
    total.rows += 1;
    total.units += units;
    total.money += money;
    if (withoutMoney) total.rowsWithoutMoney += 1;
  };
  for (const row of rows) {
    let money = 0n;
    if (row.abs_money !== null) {
      let amount = amounts.get(row.abs_money);
      if (amount === undefined) {
        amount = parseDecimal(row.abs_money) ?? 0n;
        amounts.set(row.abs_money, amount);
      }
      money = amount;
    }
    const units = row.units_at_stake;
    const withoutMoney = row.money === null && units > 0;
    let total = byState.get(row.state);
    if (!total) {
      total = { rows: 0, units: 0, money: 0n, rowsWithoutMoney: 0 };
      byState.set(row.state, total);
    }
    add(total, units, money, withoutMoney);
    for (const moduleKey of row.module_keys) {
      let states = moduleStates.get(moduleKey);
      if (!states) {
        states = new Map();
        moduleStates.set(moduleKey, states);
      }
      let moduleTotal = states.get(row.state);
      if (!moduleTotal) {
        moduleTotal = { rows: 0, units: 0, money: 0n, rowsWithoutMoney: 0 };
        states.set(row.state, moduleTotal);
        byModule.push({ moduleKey, state: row.state, total: moduleTotal });
      }
      add(moduleTotal, units, money, withoutMoney);
    }
    if (row.state === "unmapped_usage" && row.module_organization_id !== null)
      unmapped.add(row.module_organization_id);
  }
  const view = (total: Total) => ({
    rows: total.rows,
    units: total.units,
    money: formatDecimal(total.money),
    rowsWithoutMoney: total.rowsWithoutMoney,
  });
  return {
    byState: [...byState].map(([state, total]) => ({ state, ...view(total) })),
    byModule: byModule.map(({ moduleKey, state, total }) => ({ moduleKey, state, ...view(total) })),
    unmappedModuleOrganizations: unmapped.size,
  };
}

/**
 * A snapshot's totals after some of its rows were replaced (a snapshot changed in place): the
 * totals of the removed rows taken away, the added rows' put in. Exact: every total is a sum, and
 * the unmapped module organizations are counted whole (a replace removes all of a module
 * organization's unmapped rows or none). States and modules left with no row are dropped.
 */
export function adjustTotals(
  base: SnapshotTotals,
  removed: readonly RemovedRow[],
  added: readonly RemovedRow[],
): SnapshotTotals {
  const minus = snapshotTotals(removed);
  const plus = snapshotTotals(added);
  type Line = { rows: number; units: number; money: bigint; rowsWithoutMoney: number };
  const combine = <T extends StateTotalsRow>(lists: [T[], 1 | -1][], keyOf: (t: T) => string) => {
    const lines = new Map<string, { first: T; line: Line }>();
    for (const [list, sign] of lists) {
      for (const t of list) {
        const key = keyOf(t);
        let found = lines.get(key);
        if (!found) {
          found = { first: t, line: { rows: 0, units: 0, money: 0n, rowsWithoutMoney: 0 } };
          lines.set(key, found);
        }
        found.line.rows += sign * t.rows;
        found.line.units += sign * t.units;
        found.line.money += BigInt(sign) * (parseDecimal(t.money) ?? 0n);
        found.line.rowsWithoutMoney += sign * t.rowsWithoutMoney;
      }
    }
    return [...lines.values()]
      .filter(({ line }) => line.rows !== 0)
      .map(({ first, line }) => ({
        ...first,
        rows: line.rows,
        units: line.units,
        money: formatDecimal(line.money),
        rowsWithoutMoney: line.rowsWithoutMoney,
      }));
  };
  return {
    byState: combine(
      [
        [base.byState, 1],
        [minus.byState, -1],
        [plus.byState, 1],
      ],
      (t) => t.state,
    ),
    byModule: combine(
      [
        [base.byModule, 1],
        [minus.byModule, -1],
        [plus.byModule, 1],
      ],
      (t) => `${t.moduleKey}\u0000${t.state}`,
    ),
    unmappedModuleOrganizations:
      base.unmappedModuleOrganizations - minus.unmappedModuleOrganizations + plus.unmappedModuleOrganizations,
    ...(base.kinds === undefined ? {} : { kinds: base.kinds }),
  };
}
