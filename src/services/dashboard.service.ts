import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { SyncRunSummary } from "../db/sync-run.repository.ts";
import { wallTimeAt } from "../domain/billing/zoned-time.ts";
import type { ModuleState } from "../domain/module.ts";
import type { OrganizationTerm } from "../domain/term.ts";
import type { ReconciliationService } from "./billing/reconciliation.service.ts";
import { stateOf } from "./module.service.ts";

/** How far back the unmapped trend goes. */
export const TREND_DAYS = 90;
const DAY_MS = 86_400_000;

export interface LastSyncView {
  id: string;
  outcome: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface DashboardModuleView {
  key: string;
  name: string;
  state: ModuleState;
  /** Active module organizations neither mapped nor excluded, now (what tab 2's "Unmapped" lists). */
  unmapped: number;
  /** Per day with a succeeded run, the unmapped count that run ended with (oldest first). */
  trend: { day: string; unmapped: number }[];
  lastSync: LastSyncView | null;
}

type Summary = Awaited<ReturnType<ReconciliationService["summary"]>>;

/** A period's reconciliation totals, every state listed (rows, units at stake, money a month). */
export interface DashboardPeriodView {
  key: string;
  isCurrent: boolean;
  computedAt: string;
  totals: Summary["totals"];
}

export interface DashboardView {
  organizationTerm: OrganizationTerm;
  timeZone: string;
  /** The trend's window, "YYYY-MM-DD" in the instance's time zone, both ends included. */
  trendFrom: string;
  trendTo: string;
  modules: DashboardModuleView[];
  psaLastSync: LastSyncView | null;
  /** Money is formatted in these (instance settings). */
  currency: string;
  locale: string;
  /** The current period first, then the previous one. */
  periods: DashboardPeriodView[];
}

const periodView = (summary: Summary): DashboardPeriodView => ({
  key: summary.period.key,
  isCurrent: summary.period.isCurrent,
  computedAt: summary.computedAt,
  totals: summary.totals,
});

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function lastSyncView(run: SyncRunSummary | undefined): LastSyncView | null {
  if (!run) return null;
  return {
    id: run.id,
    outcome: run.outcome,
    startedAt: new Date(run.started_at).toISOString(),
    finishedAt: iso(run.finished_at),
    error: run.error,
  };
}

/** "YYYY-MM-DD" of an instant in a time zone. */
export function dayIn(ms: number, timeZone: string): string {
  const w = wallTimeAt(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * The first page after sign-in (issue 9 item 7): per module the unmapped count with its trend over
 * the last 90 days and its last sync, and the reconciliation totals by state of the current and
 * previous periods (from the reconciliation's stored snapshot, computed when the data moved).
 */
export class DashboardService {
  constructor(
    private readonly ctx: AppContext,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async get(): Promise<DashboardView> {
    const repos = repositories(this.ctx.db);
    const settings = await repos.settings.get();
    const now = this.ctx.clock.now().getTime();
    // One day more than the window, so the first day is whole in any zone.
    const since = new Date(now - (TREND_DAYS + 1) * DAY_MS);
    const trendFrom = dayIn(now - (TREND_DAYS - 1) * DAY_MS, settings.timeZone);
    const current = await this.reconciliation.summary({});
    const previous = await this.reconciliation.summary({ period: current.period.previousKey });
    const [modules, counts, lastRuns, psaRun, points] = await Promise.all([
      repos.modules.list(),
      repos.mappings.moduleCounts(),
      repos.syncRuns.latestPerModule(),
      repos.syncRuns.latest(null),
      repos.dashboard.unmappedTrend(since, settings.timeZone),
    ]);
    const trends = new Map<string, { day: string; unmapped: number }[]>();
    for (const p of points) {
      if (p.day < trendFrom) continue;
      const list = trends.get(p.moduleKey) ?? [];
      list.push({ day: p.day, unmapped: p.unmapped });
      trends.set(p.moduleKey, list);
    }
    return {
      organizationTerm: settings.organizationTerm,
      timeZone: settings.timeZone,
      trendFrom,
      trendTo: dayIn(now, settings.timeZone),
      modules: modules.map((m) => ({
        key: m.key,
        name: m.name,
        state: stateOf(m),
        unmapped: counts.get(m.key)?.unmapped ?? 0,
        trend: trends.get(m.key) ?? [],
        lastSync: lastSyncView(lastRuns.get(m.key)),
      })),
      psaLastSync: lastSyncView(psaRun),
      currency: current.currency,
      locale: current.locale,
      periods: [periodView(current), periodView(previous)],
    };
  }
}
