import type { AppContext } from "../../context.ts";
import type { PsaContractSnapshot } from "../../db/psa-contract.repository.ts";
import {
  kindKey,
  ReconciliationRepository,
  type RowFilter,
  type RowSort,
  type SnapshotMeta,
  type StoredRow,
} from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { type BillingPeriod, parsePeriodKey, periodContaining } from "../../domain/billing/period.ts";
import { PsaContractIndex } from "../../domain/billing/psa-contract-index.ts";
import {
  type ColumnsInput,
  type PeriodRowSummary,
  reconcileColumns,
  type TypePart,
} from "../../domain/billing/reconcile-columns.ts";
import { type RowTrace, rowTrace, settleWith } from "../../domain/billing/reconcile-period.ts";
import type { UsageColumns } from "../../domain/billing/usage-columns.ts";
import { AppError } from "../../domain/errors.ts";
import type { SettingsService } from "../settings.service.ts";
import { adjustTotals, rowDetail, snapshotTotals, stateTotals } from "./reconciliation-detail.ts";
import { reachOf, readPlan } from "./reconciliation-reach.ts";
import { detailOf, type Names, periodView, rowsCsv, rowView, toStoredRows } from "./reconciliation-views.ts";

export interface ReconciliationOptions {
  /** A module whose last complete usage read is older than this makes its sources stale (rule 13). */
  staleAfterHours?: number;
  /** A change reaching more than this share of the module organizations recomputes the period whole. */
  deltaReachLimit?: number;
}

export const DEFAULT_STALE_AFTER_HOURS = 36;

/**
 * A change that reaches more than this share of the module organizations recomputes the period
 * whole: reading that many pairs by id costs about what reading them all costs.
 */
export const DEFAULT_DELTA_REACH_LIMIT = 0.3;

/**
 * How far another server's clock may be ahead of ours: readings and mappings starting up to this
 * long after a snapshot's instant (written before it) are recomputed with what changed after it
 * (`update`).
 */
const CLOCK_SKEW_MS = 60_000;

/** Changes are kept as long as a snapshot computed in these last days may need them. */
const KEEP_CHANGES_DAYS = 7;

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

/**
 * The `t:` rows (a billing type with no service mapping, all organizations in one row) from their
 * parts' sums, as `reconcileColumns` settles them.
 */
function typeRowsOf(
  sums: readonly { kind: string; units: number | null; isStale: boolean; sourceCount: number }[],
): PeriodRowSummary[] {
  const rows: PeriodRowSummary[] = [];
  for (const sum of sums) {
    const at = sum.kind.indexOf(kindKey("", ""));
    const moduleKey = sum.kind.slice(0, at);
    const billingType = sum.kind.slice(at + 1);
    const settled = settleWith(
      {
        key: `t:${moduleKey}:${billingType}`,
        organizationId: null,
        service: null,
        moduleOrganizationId: null,
        billingTypes: [{ moduleKey, billingType, policy: null }],
        units: sum.units,
        isStale: sum.isStale,
      },
      null,
      null,
    );
    if (settled !== null) rows.push({ ...settled, sourceCount: sum.sourceCount });
  }
  return rows;
}

/**
 * `reconcileColumns` over what a compute read (the whole period, or the pairs a change reaches),
 * with each organization's part of the `t:` rows.
 */
function computeColumns(
  period: BillingPeriod,
  asOf: Date,
  staleness: Pick<Staleness, "staleFrom">,
  read: {
    usage: UsageColumns;
    organizations: readonly { id: string; psaId: string }[];
    serviceMappings: ColumnsInput["serviceMappings"];
    contracts: PsaContractSnapshot | null;
  },
): { rows: PeriodRowSummary[]; typeParts: TypePart[] } {
  const typeParts: TypePart[] = [];
  const rows = reconcileColumns({
    period,
    asOf,
    typeParts,
    staleFrom: staleness.staleFrom,
    serviceMappings: read.serviceMappings,
    usage: read.usage,
    organizationPsaIds: new Map(read.organizations.map((o) => [o.id, o.psaId])),
    psa: read.contracts ? new PsaContractIndex(read.contracts.data, period) : null,
  });
  return { rows, typeParts };
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
  private readonly deltaReachLimit: number;
  private readonly inflight = new Map<string, Promise<SnapshotMeta>>();
  /** Milliseconds per phase of the last compute (the benchmark prints them; nothing decides on them). */
  lastComputeProfile: Record<string, number> = {};
  /** How the last snapshot was made: computed whole, or changed in place (and how many rows came in). */
  lastRefresh:
    | { kind: "whole"; why: string }
    | { kind: "changes"; rowsReplaced: number; rowsRemoved: number }
    | null = null;
  /** Why the last `update` computed whole instead (the benchmark and the tests print it). */
  private whyWhole = "no snapshot";

  constructor(
    private readonly ctx: AppContext,
    private readonly settings: SettingsService,
    options: ReconciliationOptions = {},
  ) {
    this.staleAfterHours = options.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS;
    this.deltaReachLimit = options.deltaReachLimit ?? DEFAULT_DELTA_REACH_LIMIT;
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
    // The same settings and staleness: the rows can be brought up to date by what changed since.
    const base =
      existing &&
      existing.staleModules === staleness.key &&
      existing.timeZone === period.timeZone &&
      existing.staleAfterHours === this.staleAfterHours
        ? existing
        : null;
    // Current while no data changed, unless it was computed before the period began and the
    // period has begun since (its pieces all start after it).
    const begunSince =
      base !== null &&
      base.computedAt.getTime() <= period.start.getTime() &&
      this.ctx.clock.now().getTime() > period.start.getTime();
    if (base && base.dataVersion === version && !begunSince) {
      return { period, snapshot: base, staleness, presentation };
    }
    const flightKey = `${period.key}|${period.timeZone}|${version}|${staleness.key}`;
    let flight = this.inflight.get(flightKey);
    if (!flight) {
      flight = this.refresh(period, version, staleness, base).finally(() => this.inflight.delete(flightKey));
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
      repos.psaContracts.load({ period }),
      repos.modules.list(),
    ]);
    const { rows, typeParts } = computeColumns(
      period,
      new Date(Math.min(now.getTime(), period.end.getTime())),
      staleness,
      { usage, organizations, serviceMappings, contracts },
    );
    return { rows, typeParts, organizations, modules };
  }

  /**
   * The period's snapshot at `version`: `base` changed in place when what changed since reaches
   * few enough rows (`update`), else computed whole. Then the changes every recent snapshot has
   * seen are forgotten.
   */
  private async refresh(
    period: BillingPeriod,
    version: string,
    staleness: Staleness,
    base: SnapshotMeta | null,
  ): Promise<SnapshotMeta> {
    this.whyWhole = "no snapshot of these settings";
    const meta =
      (base === null ? null : await this.update(period, version, staleness, base)) ??
      (await this.compute(period, version, staleness));
    await new ReconciliationRepository(this.ctx.db).pruneChanges(
      new Date(this.ctx.clock.now().getTime() - KEEP_CHANGES_DAYS * 86_400_000),
    );
    return meta;
  }

  /**
   * `base` brought up to `version` in place (migration 0024), or null when it cannot be or is not
   * worth it (then the period is computed whole). What changed since `base` names module
   * organizations, organizations, PSA organizations and contracts; the rows they can reach are
   * those of the organizations involved (every module organization mapped to one of them in the
   * period is read, so their rows come out whole), the unmapped usage of the module organizations
   * read, and the rows of billing types without a service mapping that those module organizations
   * report (every pair of such a type is read: its row adds up all organizations). Those rows are
   * computed as `compute` computes all rows and take the place of the old ones; the other rows
   * cannot have changed. `reconciliation-delta.test.ts` compares the result with a whole compute
   * after random changes.
   */
  private async update(
    period: BillingPeriod,
    version: string,
    staleness: Staleness,
    base: SnapshotMeta,
  ): Promise<SnapshotMeta | null> {
    const repo = new ReconciliationRepository(this.ctx.db);
    const repos = repositories(this.ctx.db);
    const profile: Record<string, number> = {};
    let mark = performance.now();
    const lap = (phase: string) => {
      const at = performance.now();
      profile[phase] = (profile[phase] ?? 0) + (at - mark);
      mark = at;
    };
    const changes = await repo.changesBetween(base.dataVersion, version);
    if (changes === null || changes.all.length > 0) {
      this.whyWhole = changes === null ? "changes pruned" : `changes to ${changes.all.join(", ")}`;
      return null;
    }
    const now = this.ctx.clock.now();
    // The instants the rows were decided at (`asOf`): the old snapshot's and this one's. A past
    // period's are both its end: nothing moves.
    const asOf = new Date(Math.min(now.getTime(), period.end.getTime()));
    const baseAsOf = Math.min(base.computedAt.getTime(), period.end.getTime());
    if (baseAsOf <= period.start.getTime()) {
      // Computed before the period began: every piece has started since.
      this.whyWhole = "the period had not begun";
      return null;
    }
    // Module organizations changed whole: their mappings or names, or a piece starting at the old
    // snapshot's instant or just after it (written before it by a clock a little ahead of ours):
    // no change reports those, though they count only from then. Pieces starting later were
    // written after the old snapshot: the changes name them.
    const wholeChanged = [
      ...new Set([
        ...changes.moduleOrganizationIds,
        ...(baseAsOf === asOf.getTime()
          ? []
          : await repo.startingBetween(
              new Date(baseAsOf),
              new Date(Math.min(baseAsOf + CLOCK_SKEW_MS, asOf.getTime())),
            )),
      ]),
    ];
    const named = [...new Set([...wholeChanged, ...changes.pairs.map((p) => p.moduleOrganizationId)])];
    const [moduleKeys, mappedNamed, changedOrganizations, serviceMappings] = await Promise.all([
      repo.moduleKeysOf(named),
      repo.mappedInPeriod(period, { moduleOrganizationIds: named }),
      repo.organizationsOf(changes),
      repos.serviceMappings.list(),
    ]);
    if (moduleKeys.size !== named.length) {
      // Its pairs went with it: the rows they fed cannot be found from it.
      this.whyWhole = "a module organization is gone";
      return null;
    }
    const mappedTo = new Map<string, string[]>();
    for (const m of mappedNamed) {
      const list = mappedTo.get(m.moduleOrganizationId);
      if (list) list.push(m.organizationId);
      else mappedTo.set(m.moduleOrganizationId, [m.organizationId]);
    }
    const reach = reachOf({
      moduleOrganizationIds: wholeChanged,
      pairs: changes.pairs,
      organizationIds: changedOrganizations,
      moduleKeys,
      mappedTo,
      serviceMappings,
    });
    if (
      reach.organizationIds.length +
        reach.organizationServices.length +
        reach.typeParts.length +
        reach.moduleOrganizationIds.length ===
      0
    ) {
      // Committed writes that touched nothing a row depends on (a usage read's record, a statement
      // that changed no row): the rows stand, at the new version.
      const meta = { ...base, dataVersion: version, computedAt: now };
      if (!(await this.store(period, base, async (txRepo) => txRepo.updateSnapshot(meta)))) {
        this.whyWhole = "changed meanwhile";
        return null;
      }
      this.lastRefresh = { kind: "changes", rowsReplaced: 0, rowsRemoved: 0 };
      return meta;
    }
    const reachedOrganizations = [
      ...new Set([
        ...reach.organizationIds,
        ...reach.organizationServices.map((r) => r.organizationId),
        ...reach.typeParts.map((r) => r.organizationId),
      ]),
    ];
    const plan = readPlan(
      reach,
      await repo.mappedInPeriod(period, { organizationIds: reachedOrganizations }),
      serviceMappings,
    );
    // How much is read, in module organizations: a pair read by its billing type counts a third
    // (most module organizations report three types or fewer).
    const moduleOrganizationCount = await repo.moduleOrganizationCount();
    const readCount =
      plan.moduleOrganizationIds.length +
      plan.pairs.reduce((n, p) => n + p.moduleOrganizationIds.length, 0) / 3;
    if (readCount > moduleOrganizationCount * this.deltaReachLimit) {
      this.whyWhole = `reaches ${Math.round(readCount)} of ${moduleOrganizationCount} module organizations`;
      return null;
    }
    lap("changes");
    // Each read's own time beside the phases (they run at once on PostgreSQL).
    const own = async <T>(name: string, read: Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await read;
      profile[`(${name})`] = performance.now() - started;
      return result;
    };
    const [usage, organizations, contracts, modules] = await Promise.all([
      own("usage read", repo.usageColumnsForPeriod(period, plan)),
      repo.organizations(reachedOrganizations),
      own("contracts read", repos.psaContracts.load({ organizationIds: reachedOrganizations, period })),
      repos.modules.list(),
    ]);
    lap("reads");
    const { rows: computed, typeParts } = computeColumns(period, asOf, staleness, {
      usage,
      organizations,
      serviceMappings,
      contracts,
    });
    lap("calculation");
    // Only the rows that came out whole: the reached organizations' (all or one service's) and the
    // reached module organizations' unmapped usage. The `t:` rows are added up from their parts
    // below (those here add up only the organizations read); the parts kept are the reached ones.
    const organizationSet = new Set(reach.organizationIds);
    const serviceSet = new Set(
      reach.organizationServices.map((r) => `${r.organizationId} ${r.psaServiceId}`),
    );
    const moduleOrganizationSet = new Set(reach.moduleOrganizationIds);
    const rows = computed.filter((row) =>
      row.organizationId !== null
        ? organizationSet.has(row.organizationId) ||
          (row.service !== null && serviceSet.has(`${row.organizationId} ${row.service.psaId}`))
        : row.moduleOrganizationId !== null && moduleOrganizationSet.has(row.moduleOrganizationId),
    );
    const partSet = new Set(reach.typeParts.map((p) => `${p.organizationId} ${p.kind}`));
    const parts = typeParts.filter(
      (p) =>
        organizationSet.has(p.organizationId) ||
        partSet.has(`${p.organizationId} ${kindKey(p.moduleKey, p.billingType)}`),
    );
    const names: Names = {
      organizations: new Map(organizations.map((o) => [o.id, { name: o.name, psaId: o.psaId }])),
      modules: new Map(modules.map((m) => [m.key, { name: m.name, connectorKind: m.connector_kind }])),
      moduleOrganizations: new Map(
        (
          await repo.moduleOrganizations([
            ...new Set(
              rows.flatMap((r) => (r.moduleOrganizationId === null ? [] : [r.moduleOrganizationId])),
            ),
          ])
        ).map((m) => [m.id, m]),
      ),
    };
    const stored = toStoredRows(period.key, rows, names);
    lap("stored form");
    let meta: SnapshotMeta | null = null;
    let removedCount = 0;
    let typeRows = 0;
    const written = await this.store(period, base, async (txRepo) => {
      // The parts first, then each kind they touched added up again into its `t:` row.
      const removedKinds = await txRepo.replaceTypeParts(
        period.key,
        { organizationIds: reach.organizationIds, parts: reach.typeParts },
        parts,
      );
      const kinds = [...new Set([...removedKinds, ...parts.map((p) => kindKey(p.moduleKey, p.billingType))])];
      const sums = await txRepo.typeSums(period.key, kinds);
      const typeStored = toStoredRows(period.key, typeRowsOf(sums), names);
      typeRows = typeStored.length;
      const added = [...stored, ...typeStored];
      const removed = await txRepo.replaceRows(period.key, { ...reach, kinds }, added);
      removedCount = removed.length;
      meta = {
        ...base,
        dataVersion: version,
        computedAt: now,
        rowCount: base.rowCount - removed.length + added.length,
        totals:
          base.totals === null
            ? null
            : {
                ...adjustTotals(base.totals, removed, added),
                kinds: [...new Set([...(base.totals.kinds ?? []), ...snapshotKinds(added)])].sort(),
              },
      };
      await txRepo.updateSnapshot(meta);
    });
    lap("store");
    if (!written || meta === null) {
      this.whyWhole = "changed meanwhile";
      return null;
    }
    this.lastComputeProfile = profile;
    this.lastRefresh = {
      kind: "changes",
      rowsReplaced: stored.length + typeRows,
      rowsRemoved: removedCount,
    };
    return meta;
  }

  /**
   * Runs `write` on the period's snapshot in a transaction holding the period's lock, if the stored
   * snapshot is still `base` (another process may have changed it meanwhile: then false, nothing
   * written, and the caller computes whole).
   */
  private async store(
    period: BillingPeriod,
    base: SnapshotMeta,
    write: (txRepo: ReconciliationRepository) => Promise<void>,
  ): Promise<boolean> {
    return this.ctx.db.transaction().execute(async (tx) => {
      const txRepo = new ReconciliationRepository(tx);
      await txRepo.lockPeriod(period.key);
      const current = await txRepo.snapshot(period.key);
      if (!current || current.dataVersion !== base.dataVersion || current.staleModules !== base.staleModules)
        return false;
      await write(txRepo);
      return true;
    });
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
    const { rows, typeParts, organizations, modules } = await this.calculate(period, staleness, now);
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
      // Each organization's part of the `t:` rows: what a change adds up again (`update`).
      await txRepo.replaceTypeParts(period.key, "all", typeParts);
      lap("type parts");
    });
    lap("commit");
    this.lastComputeProfile = profile;
    this.lastRefresh = { kind: "whole", why: this.whyWhole };
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
