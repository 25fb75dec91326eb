import type { AppContext } from "../../context.ts";
import {
  ReconciliationRepository,
  type RowFilter,
  type RowSort,
  type SnapshotMeta,
  type StoredRow,
} from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { type BillingPeriod, parsePeriodKey, periodContaining } from "../../domain/billing/period.ts";
import { PsaContractIndex } from "../../domain/billing/psa-contract-index.ts";
import { reconcileColumns } from "../../domain/billing/reconcile-columns.ts";
import { type RowTrace, rowTrace } from "../../domain/billing/reconcile-period.ts";
import { AppError } from "../../domain/errors.ts";
import type { SettingsService } from "../settings.service.ts";
import { rowDetail, snapshotTotals, stateTotals } from "./reconciliation-detail.ts";
import { detailOf, type Names, periodView, rowsCsv, rowView, toStoredRows } from "./reconciliation-views.ts";

export interface ReconciliationOptions {
  /** A module whose last complete usage read is older than this makes its sources stale (rule 13). */
  staleAfterHours?: number;
}

export const DEFAULT_STALE_AFTER_HOURS = 36;

/**
 * How many rows match, when the snapshot knows without counting: no filter (its row count), or
 * only a state or "needs attention" (its stored totals per state). Undefined: count the rows.
 */
export function knownTotal(
  filter: RowFilter & { period?: string | undefined },
  snapshot: Pick<SnapshotMeta, "rowCount" | "totals">,
): number | undefined {
  const { period: _, state, needsAttention, ...rest } = filter;
  if (!Object.values(rest).every((value) => value === undefined || value === "")) return undefined;
  if (state === undefined && !needsAttention) return snapshot.rowCount;
  if (snapshot.totals === null) return undefined;
  return snapshot.totals.byState
    .filter(
      (t) => (state === undefined || t.state === state) && (!needsAttention || t.state !== "in_balance"),
    )
    .reduce((sum, t) => sum + t.rows, 0);
}

/** Every (module, billing type) kind of the rows, once: what a search's type words can match. */
function snapshotKinds(rows: readonly Pick<StoredRow, "kinds">[]): string[] {
  const kinds = new Set<string>();
  for (const row of rows) for (const kind of row.kinds) kinds.add(kind);
  return [...kinds].sort();
}

export interface Staleness {
  staleFrom: Map<string, Date>;
  lastComplete: Map<string, Date | null>;
  /** What the snapshot records: a module turning stale (or fresh) makes a new one. */
  key: string;
}

/**
 * Reconciliation per period (issue 9 item 6, rules 12-14). A period is computed whole, once, into
 * a stored snapshot (migration 0010); pages, totals, the drill-down and the CSV read from it. The
 * snapshot is recomputed when the billing data's version moved (a database trigger counts every
 * commit that changes it) or a module turned stale or fresh since (decided now, at read time).
 */
export class ReconciliationService {
  private readonly staleAfterHours: number;
  private readonly inflight = new Map<string, Promise<SnapshotMeta>>();
  /** Milliseconds per phase of the last compute (the benchmark prints them; nothing decides on them). */
  lastComputeProfile: Record<string, number> = {};

  constructor(
    private readonly ctx: AppContext,
    private readonly settings: SettingsService,
    options: ReconciliationOptions = {},
  ) {
    this.staleAfterHours = options.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS;
  }

  /** The period `YYYY-MM` in the instance's time zone; default the current one. */
  async period(key?: string, timeZone?: string): Promise<BillingPeriod> {
    const zone = timeZone ?? (await this.settings.get()).timeZone;
    return key === undefined ? periodContaining(this.ctx.clock.now(), zone) : parsePeriodKey(key, zone);
  }

  /** One page of rows, with how many match. */
  async list(
    filter: RowFilter & { period?: string | undefined },
    options: { sort: RowSort; limit: number; offset: number },
  ) {
    const { period, snapshot, presentation } = await this.ensure(filter.period);
    const repo = new ReconciliationRepository(this.ctx.db);
    const { rows, total } = await repo.page(period.key, filter, {
      ...options,
      knownTotal: knownTotal(filter, snapshot),
    });
    const names = await this.names(rows);
    return {
      period: periodView(period, this.ctx.clock.now()),
      computedAt: snapshot.computedAt.toISOString(),
      items: rows.map((row) => rowView(row, names)),
      total,
      offset: options.offset,
      limit: options.limit,
      ...presentation,
    };
  }

  /** Totals per state and per module, of the rows matching the filter. */
  async summary(filter: Omit<RowFilter, "state" | "needsAttention"> & { period?: string | undefined }) {
    const { period, snapshot, staleness, presentation } = await this.ensure(filter.period);
    const repo = new ReconciliationRepository(this.ctx.db);
    const repos = repositories(this.ctx.db);
    const { period: _, ...rowFilter } = filter;
    const unfiltered = Object.values(rowFilter).every((value) => value === undefined || value === "");
    // With no filter, the totals stored with the snapshot (migration 0013); else from the rows,
    // the search looked up once for the three reads.
    const stored = unfiltered ? snapshot.totals : null;
    const resolved = stored ? rowFilter : await repo.resolve(period.key, rowFilter);
    const [byState, byModule, unmapped, modules, services] = [
      stored?.byState ?? (await repo.totalsByState(period.key, resolved)),
      stored?.byModule ?? (await repo.totalsByModule(period.key, resolved)),
      stored?.unmappedModuleOrganizations ?? (await repo.unmappedModuleOrganizations(period.key, resolved)),
      await repos.modules.list(),
      await repos.serviceMappings.psaServices(),
    ];
    const moduleKeys = new Set([...staleness.lastComplete.keys(), ...byModule.map((m) => m.moduleKey)]);
    return {
      period: periodView(period, this.ctx.clock.now()),
      computedAt: snapshot.computedAt.toISOString(),
      totals: stateTotals(byState),
      modules: modules
        .filter(
          (m) => moduleKeys.has(m.key) && (filter.moduleKey === undefined || m.key === filter.moduleKey),
        )
        .map((m) => {
          const lastComplete = staleness.lastComplete.get(m.key) ?? null;
          return {
            moduleKey: m.key,
            moduleName: m.name,
            byState: stateTotals(byModule.filter((t) => t.moduleKey === m.key)),
            lastCompleteUsageReadAt: lastComplete?.toISOString() ?? null,
            isStale:
              staleness.lastComplete.has(m.key) && (lastComplete === null || staleness.staleFrom.has(m.key)),
          };
        }),
      unmappedModuleOrganizations: unmapped,
      contractsReadAt: services?.readAt.toISOString() ?? null,
      staleAfterHours: this.staleAfterHours,
      ...presentation,
    };
  }

  /** One row with the module organizations whose usage made it, their readings and dated mappings. */
  async row(key: string, periodKey?: string) {
    const { period, snapshot, staleness } = await this.ensure(periodKey);
    const stored = await new ReconciliationRepository(this.ctx.db).row(period.key, key);
    if (!stored) throw new AppError("not_found", `no reconciliation row ${key} in ${period.key}`);
    const names = await this.names([stored]);
    const trace = await this.trace(period, snapshot, staleness, stored);
    const detail = await rowDetail(this.ctx.db, period, detailOf(trace), names);
    return {
      period: periodView(period, this.ctx.clock.now()),
      row: rowView(stored, names),
      ...detail,
      ...(await this.presentation()),
    };
  }

  /** Every row matching the filter as CSV (formula-safe, the term in the headers). */
  async csv(filter: RowFilter & { period?: string | undefined }, sort: RowSort = "attention") {
    const { period } = await this.ensure(filter.period);
    const rows = await new ReconciliationRepository(this.ctx.db).all(period.key, filter, sort);
    const names = await this.names(rows);
    const presentation = await this.presentation();
    return {
      period: period.key,
      csv: rowsCsv(
        rows.map((row) => rowView(row, names)),
        presentation,
        period.key,
      ),
    };
  }

  /** The rows of a period as views, every one (the CLI's JSON). */
  async allRows(filter: RowFilter & { period?: string | undefined }, sort: RowSort = "attention") {
    const { period } = await this.ensure(filter.period);
    const rows = await new ReconciliationRepository(this.ctx.db).all(period.key, filter, sort);
    const names = await this.names(rows);
    return {
      period: period.key,
      rows: rows.map((row) => rowView(row, names)),
      ...(await this.presentation()),
    };
  }

  /** The period's snapshot, computed when missing or out of date. */
  async ensure(periodKey?: string) {
    const { organizationTerm, currency, locale, timeZone } = await this.settings.get();
    const presentation = { organizationTerm, currency, locale };
    const period = await this.period(periodKey, timeZone);
    const repo = new ReconciliationRepository(this.ctx.db);
    // The version in the same snapshot as the rest: data committed after it is at worst
    // recomputed once more, never missed.
    const { version, lastComplete, snapshot: existing } = await repo.freshness(period.key);
    const staleness = this.staleness(lastComplete);
    if (
      existing &&
      existing.dataVersion === version &&
      existing.staleModules === staleness.key &&
      existing.timeZone === period.timeZone &&
      existing.staleAfterHours === this.staleAfterHours
    ) {
      return { period, snapshot: existing, staleness, presentation };
    }
    const flightKey = `${period.key}|${period.timeZone}|${version}|${staleness.key}`;
    let flight = this.inflight.get(flightKey);
    if (!flight) {
      flight = this.compute(period, version, staleness).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, flight);
    }
    return { period, snapshot: await flight, staleness, presentation };
  }

  /**
   * A stored row's drill-down (its sources and steps), worked out from the pairs it can draw on with
   * the snapshot's own instant and staleness: what the period's compute had for it (migration 0013
   * stores no drill-down). Null: no usage behind the row.
   */
  async trace(
    period: BillingPeriod,
    snapshot: SnapshotMeta,
    staleness: Staleness,
    row: Pick<StoredRow, "row_key" | "organization_id" | "module_organization_id" | "billing_types">,
  ): Promise<RowTrace | null> {
    const repo = new ReconciliationRepository(this.ctx.db);
    const types = row.billing_types as { moduleKey: string; billingType: string }[];
    const usage =
      row.module_organization_id !== null
        ? await repo.usageForPeriod(period, { moduleOrganizationIds: [row.module_organization_id] })
        : row.organization_id !== null
          ? await repo.usageForPeriod(period, {
              moduleOrganizationIds: await repo.moduleOrganizationsMappedTo(row.organization_id, period),
            })
          : types.length === 1
            ? await repo.usageForPeriod(period, types[0]!)
            : [];
    if (usage.length === 0) return null;
    const mappings = await repo.mappingsForPeriod(period, [
      ...new Set(usage.map((pair) => pair.moduleOrganizationId)),
    ]);
    return rowTrace(
      {
        period,
        // The compute's own instant: "latest" and the steps end where they ended then.
        asOf: new Date(Math.min(snapshot.computedAt.getTime(), period.end.getTime())),
        staleFrom: staleness.staleFrom,
        serviceMappings: await repositories(this.ctx.db).serviceMappings.list(),
        usage,
        mappings,
      },
      row.row_key,
    );
  }

  private staleness(lastComplete: Map<string, Date | null>): Staleness {
    const now = this.ctx.clock.now().getTime();
    const limit = this.staleAfterHours * 3_600_000;
    const staleFrom = new Map<string, Date>();
    for (const [module, at] of lastComplete) {
      if (at !== null && now - at.getTime() > limit) staleFrom.set(module, new Date(at.getTime() + limit));
    }
    const key = [...lastComplete]
      .filter(([module, at]) => at === null || staleFrom.has(module))
      .map(([module]) => `${module}@${staleFrom.get(module)?.toISOString() ?? "never"}`)
      .sort()
      .join(",");
    return { staleFrom, lastComplete, key };
  }

  /**
   * The period's rows from every input, read at once (on PostgreSQL each read has a pool connection
   * of its own; PGlite runs them one after the other), computed from the ledger's intervals and the
   * dated mappings as columns of numbers (`reconcileColumns`; `reconcilePeriod` is its reference).
   * Apart from `compute` so that the columns are garbage once the rows are made.
   */
  private async calculate(period: BillingPeriod, staleness: Staleness, now: Date) {
    const repo = new ReconciliationRepository(this.ctx.db);
    const repos = repositories(this.ctx.db);
    const [usage, organizations, serviceMappings, contracts, modules] = await Promise.all([
      repo.usageColumnsForPeriod(period),
      repo.organizations(),
      repos.serviceMappings.list(),
      repos.psaContracts.load(),
      repos.modules.list(),
    ]);
    const rows = reconcileColumns({
      period,
      asOf: new Date(Math.min(now.getTime(), period.end.getTime())),
      staleFrom: staleness.staleFrom,
      serviceMappings,
      usage,
      organizationPsaIds: new Map(organizations.map((o) => [o.id, o.psaId])),
      psa: contracts ? new PsaContractIndex(contracts.data, period) : null,
    });
    return { rows, organizations, modules };
  }

  private async compute(period: BillingPeriod, version: string, staleness: Staleness): Promise<SnapshotMeta> {
    const repo = new ReconciliationRepository(this.ctx.db);
    const profile: Record<string, number> = {};
    let mark = performance.now();
    const lap = (phase: string) => {
      const at = performance.now();
      profile[phase] = (profile[phase] ?? 0) + (at - mark);
      mark = at;
    };
    const now = this.ctx.clock.now();
    const { rows, organizations, modules } = await this.calculate(period, staleness, now);
    lap("reads and calculation");
    const unmappedIds = rows.flatMap((r) =>
      r.moduleOrganizationId === null ? [] : [r.moduleOrganizationId],
    );
    const names: Names = {
      organizations: new Map(organizations.map((o) => [o.id, { name: o.name, psaId: o.psaId }])),
      modules: new Map(modules.map((m) => [m.key, { name: m.name, connectorKind: m.connector_kind }])),
      moduleOrganizations: new Map(
        (await repo.moduleOrganizations([...new Set(unmappedIds)])).map((m) => [m.id, m]),
      ),
    };
    const stored = toStoredRows(period.key, rows, names);
    // The rows' sources and steps are no longer needed: let them go before the store (at 50,000
    // organizations the heap's size made every collection slower).
    rows.length = 0;
    lap("stored form");
    const meta: SnapshotMeta = {
      periodKey: period.key,
      timeZone: period.timeZone,
      dataVersion: version,
      staleModules: staleness.key,
      staleAfterHours: this.staleAfterHours,
      computedAt: now,
      rowCount: stored.length,
      totals: { ...snapshotTotals(stored), kinds: snapshotKinds(stored) },
    };
    await this.ctx.db.transaction().execute(async (tx) => {
      const txRepo = new ReconciliationRepository(tx);
      await txRepo.lockPeriod(period.key);
      const current = await txRepo.snapshot(period.key);
      // Another process stored a newer one meanwhile: keep it.
      if (current && BigInt(current.dataVersion) > BigInt(version)) return;
      await txRepo.replaceSnapshot(meta, stored, lap);
    });
    lap("commit");
    this.lastComputeProfile = profile;
    return meta;
  }

  private async names(
    rows: readonly { organization_id: string | null; module_organization_id: string | null }[],
  ): Promise<Names> {
    const repo = new ReconciliationRepository(this.ctx.db);
    const organizationIds = [
      ...new Set(rows.flatMap((r) => (r.organization_id === null ? [] : [r.organization_id]))),
    ];
    const moduleOrganizationIds = [
      ...new Set(rows.flatMap((r) => (r.module_organization_id === null ? [] : [r.module_organization_id]))),
    ];
    const modules = await repositories(this.ctx.db).modules.list();
    return {
      organizations: new Map(
        // An export names thousands: one read of all beats a list of ids that long.
        (await repo.organizations(organizationIds.length > 1000 ? undefined : organizationIds)).map((o) => [
          o.id,
          { name: o.name, psaId: o.psaId },
        ]),
      ),
      modules: new Map(modules.map((m) => [m.key, { name: m.name, connectorKind: m.connector_kind }])),
      moduleOrganizations: new Map(
        (await repo.moduleOrganizations(moduleOrganizationIds)).map((m) => [m.id, m]),
      ),
    };
  }

  private async presentation() {
    const { organizationTerm, currency, locale } = await this.settings.get();
    return { organizationTerm, currency, locale };
  }
}
