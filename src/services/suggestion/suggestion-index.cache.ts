import type { AppContext } from "../../context.ts";
import {
  type ChangeMarkers,
  type ConfirmedMappingRow,
  type MappingStateRow,
  type SuggestionOrganizationRow,
  SuggestionRepository,
} from "../../db/suggestion.repository.ts";
import { assertNever, isAuditEntityType } from "../../domain/audit.ts";
import type { Candidate, MatchIndexInput } from "../../matching/engine.ts";
import type { MatchIndexWorker } from "./match-index.client.ts";
import type { IndexChange, SuggestRequest } from "./match-index.protocol.ts";

/** More audit events than this since the last look: rebuilding is cheaper than replaying. */
const FULL_REBUILD_EVENTS = 20_000;
/** An audit id below the newest one that is not visible yet may belong to a transaction still open. */
const GAP_RETENTION_MS = 60_000;
const MAX_GAPS = 10_000;

/** What the last refresh did, for logs and the freshness benchmark. */
export interface RefreshReport {
  kind: "none" | "incremental" | "full";
  ms: number;
}

interface ConfirmedEntry {
  moduleKey: string;
  name: string;
  organizationId: string;
}

/** The index, held by the worker: asked in batches. */
export interface SuggestionIndex {
  suggest(requests: SuggestRequest[]): Promise<Candidate[][]>;
  /** An organization's name and up to 7 other names it is known by (aliases, confirmed module names). */
  knownNames(organizationId: string, name: string): Promise<string[]>;
}

/** The worker's name for this index. */
const INDEX = "suggestions";

/**
 * The match index of one service instance, built lazily from the database and kept fresh across
 * processes: before each answer it reads a handful of change markers, then replays only what changed
 * (audit events of mappings, organizations updated since, module records renamed by a sync). Replaying
 * re-reads the current state of what an event touched, so events may arrive late or twice. The index
 * itself lives in a worker thread (match-index.worker.ts): this class reads the database and sends
 * the worker a build or the changes, so neither blocks the main thread.
 */
export class SuggestionIndexCache {
  /** The worker epoch the index was built under; null: not built (or forgotten). */
  private builtEpoch: number | null = null;
  private readonly handle: SuggestionIndex;
  private markers: ChangeMarkers | null = null;
  private lastAuditId = 0;
  private lastAuditStep: string | null = null;
  private readonly gaps = new Map<number, number>();
  private readonly processedSyncRuns = new Set<string>();
  private readonly organizations = new Map<string, SuggestionOrganizationRow>();
  private readonly confirmed = new Map<string, ConfirmedEntry>();
  private readonly aliasKeys = new Set<string>();
  private refreshing: Promise<SuggestionIndex> | null = null;
  /** Moves on every change applied, so derived caches know when to recompute. */
  generation = 0;
  lastRefresh: RefreshReport = { kind: "none", ms: 0 };
  /** Milliseconds the worker spent on the last full build (the main thread meanwhile serves others). */
  lastBuildWorkMs = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly worker: MatchIndexWorker,
  ) {
    this.handle = {
      suggest: (requests) => worker.suggest(INDEX, requests),
      knownNames: (organizationId, name) => worker.knownNames(INDEX, organizationId, name),
    };
  }

  /** The index, caught up with the database as of this call. Concurrent callers share one refresh. */
  async current(): Promise<SuggestionIndex> {
    if (this.refreshing === null) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** What the index knows of an organization (name, type, status), or undefined. */
  organization(id: string): SuggestionOrganizationRow | undefined {
    return this.organizations.get(id);
  }

  /** Forgets everything: the next call rebuilds. */
  invalidate(): void {
    this.builtEpoch = null;
  }

  private async refresh(): Promise<SuggestionIndex> {
    const started = performance.now();
    const repo = new SuggestionRepository(this.ctx.db);
    const markers = await repo.changeMarkers(this.lastAuditId);
    const previous = this.markers;
    // A worker that died took the index with it: a new one starts empty.
    const isBuilt = this.builtEpoch !== null && this.builtEpoch === this.worker.currentEpoch();
    if (!isBuilt || previous === null || this.isDiscontinuous(markers, previous)) {
      return this.rebuild(repo, markers, started);
    }
    const out: IndexChange[] = [];
    const touched = new Set<string>();
    const touchedOrganizations = new Set<string>();
    const modulesToReload = new Set<string>();
    let organizationsSince: Date | null = null;
    const isAliasDirty = markers.aliasCount !== previous.aliasCount;
    const isOrganizationReloadNeeded = markers.organizationFingerprint !== previous.organizationFingerprint;

    if (markers.maxAuditId > this.lastAuditId || this.gaps.size > 0) {
      if (markers.maxAuditId - this.lastAuditId > FULL_REBUILD_EVENTS)
        return this.rebuild(repo, markers, started);
      const events = await repo.changeEvents(this.lastAuditId, markers.maxAuditId, [...this.gaps.keys()]);
      this.trackGaps(
        events.map((e) => e.id),
        markers.maxAuditId,
      );
      for (const event of events) {
        // A kind this version does not know (written by a newer one) cannot be evidence it reads.
        if (!isAuditEntityType(event.entity_type)) continue;
        switch (event.entity_type) {
          case "mapping":
          case "module_organization":
          case "exclusion":
            touched.add(event.entity_id);
            break;
          case "organization":
          case "psa_company":
            touchedOrganizations.add(event.entity_id);
            break;
          // Not evidence: ignores and settings change no name or confirmed mapping; rejections are
          // read per answer; module state, sync settings, users and tokens are not matched on.
          case "ignore":
          case "settings":
          case "suggestion_rejection":
          case "module":
          case "module_sync":
          case "psa_sync":
          case "user":
          case "token":
          case "posting":
          case "posting_approval":
          case "posting_attempt":
          case "activity":
          case "service_mapping":
          case "security":
          case "alert_channel":
          case "alert_subscription":
            break;
          default:
            assertNever(event.entity_type, "audit entity type");
        }
      }
      this.lastAuditId = markers.maxAuditId;
      this.lastAuditStep = markers.maxAuditStep;
    }
    if (markers.maxSyncFinishedAt?.getTime() !== previous.maxSyncFinishedAt?.getTime()) {
      for (const run of await repo.syncRunsFinishedSince(previous.maxSyncFinishedAt)) {
        if (this.processedSyncRuns.has(run.id)) continue;
        this.processedSyncRuns.add(run.id);
        if (run.moduleKey !== null) modulesToReload.add(run.moduleKey);
        else if (organizationsSince === null || run.startedAt < organizationsSince)
          organizationsSince = run.startedAt;
      }
    }
    if (markers.maxOrganizationUpdatedAt?.getTime() !== previous.maxOrganizationUpdatedAt?.getTime()) {
      const since = previous.maxOrganizationUpdatedAt ?? new Date(0);
      if (organizationsSince === null || since < organizationsSince) organizationsSince = since;
    }
    let changes = 0;
    if (isOrganizationReloadNeeded) changes += this.applyOrganizations(out, await repo.organizations(), true);
    else if (organizationsSince !== null)
      changes += this.applyOrganizations(out, await repo.organizations(organizationsSince), false);
    else if (touchedOrganizations.size > 0)
      changes += this.applyOrganizations(
        out,
        await repo.organizationsByIds([...touchedOrganizations]),
        false,
      );
    for (const moduleKey of modulesToReload)
      changes += this.applyModuleMappings(out, moduleKey, await repo.confirmedMappings(moduleKey));
    const rest = [...touched].filter((id) => !modulesToReload.has(this.confirmed.get(id)?.moduleKey ?? ""));
    if (rest.length > 0) changes += this.applyMappingStates(out, rest, await repo.mappingStates(rest));
    if (markers.mappingCount !== this.confirmed.size) {
      // A change that left no audit event (a bulk load): reconcile every confirmed mapping.
      changes += this.applyAllMappings(out, await repo.confirmedMappings());
    }
    if (isAliasDirty) changes += this.applyAliases(out, await repo.aliases());
    await this.worker.apply(INDEX, out);
    this.markers = markers;
    if (changes > 0) this.generation++;
    this.lastRefresh = { kind: changes > 0 ? "incremental" : "none", ms: performance.now() - started };
    return this.handle;
  }

  /** The database was emptied or restored (tests, a restore): what we know no longer follows from it. */
  private isDiscontinuous(markers: ChangeMarkers, previous: ChangeMarkers): boolean {
    if (markers.maxAuditId < this.lastAuditId) return true;
    if (markers.organizationCount < previous.organizationCount) return true;
    return this.lastAuditId > 0 && markers.anchorAuditStep !== this.lastAuditStep;
  }

  private async rebuild(repo: SuggestionRepository, markers: ChangeMarkers, started: number) {
    const [organizations, confirmed, aliases] = await Promise.all([
      repo.organizations(),
      repo.confirmedMappings(),
      repo.aliases(),
    ]);
    this.organizations.clear();
    this.confirmed.clear();
    this.aliasKeys.clear();
    this.gaps.clear();
    for (const o of organizations) this.organizations.set(o.id, o);
    for (const c of confirmed) this.confirmed.set(c.module_organization_id, entryOf(c));
    for (const a of aliases) this.aliasKeys.add(aliasKey(a.organization_id, a.name));
    const input: MatchIndexInput = {
      organizations: organizations.map((o) => ({ id: o.id, name: o.name, psaId: o.psa_id, type: o.type })),
      confirmed: confirmed.map(toConfirmed),
      aliases: aliases.map((a) => ({ name: a.name, organizationId: a.organization_id })),
    };
    const missing = organizations.filter((o) => o.status === "missing").map((o) => o.id);
    this.builtEpoch = null;
    const epoch = this.worker.currentEpoch();
    this.lastBuildWorkMs = await this.worker.build(INDEX, input, missing);
    this.builtEpoch = epoch;
    this.markers = markers;
    this.lastAuditId = markers.maxAuditId;
    this.lastAuditStep = markers.maxAuditStep;
    this.processedSyncRuns.clear();
    for (const run of await repo.syncRunsFinishedSince(markers.maxSyncFinishedAt))
      this.processedSyncRuns.add(run.id);
    this.generation++;
    this.lastRefresh = { kind: "full", ms: performance.now() - started };
    return this.handle;
  }

  private trackGaps(seen: readonly number[], upto: number): void {
    const now = Date.now();
    const found = new Set(seen);
    for (const id of [...this.gaps.keys()]) {
      const since = this.gaps.get(id) ?? now;
      if (found.has(id) || now - since > GAP_RETENTION_MS) this.gaps.delete(id);
    }
    for (let id = this.lastAuditId + 1; id <= upto && this.gaps.size < MAX_GAPS; id++) {
      if (!found.has(id)) this.gaps.set(id, now);
    }
  }

  /** Upserts changed organizations; with `isComplete`, also drops those no longer in the database. */
  private applyOrganizations(out: IndexChange[], rows: SuggestionOrganizationRow[], isComplete: boolean) {
    let changes = 0;
    for (const row of rows) {
      const known = this.organizations.get(row.id);
      this.organizations.set(row.id, row);
      if ((known?.status ?? "active") !== row.status)
        out.push({ kind: "setMissing", id: row.id, isMissing: row.status === "missing" });
      if (known && known.name === row.name && known.type === row.type && known.psa_id === row.psa_id)
        continue;
      out.push({
        kind: "upsertOrganization",
        organization: { id: row.id, name: row.name, psaId: row.psa_id, type: row.type },
      });
      changes++;
    }
    if (isComplete && rows.length !== this.organizations.size) {
      const present = new Set(rows.map((r) => r.id));
      for (const id of [...this.organizations.keys()]) {
        if (present.has(id)) continue;
        this.organizations.delete(id);
        out.push({ kind: "removeOrganization", id });
        changes++;
      }
    }
    return changes;
  }

  /** Sets the confirmed mapping of each touched module organization to what the database holds now. */
  private applyMappingStates(out: IndexChange[], ids: readonly string[], rows: MappingStateRow[]) {
    let changes = 0;
    const byId = new Map(rows.map((r) => [r.module_organization_id, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (row?.organization_id) {
        changes += this.setConfirmed(out, { ...row, organization_id: row.organization_id });
      } else changes += this.unsetConfirmed(out, id);
    }
    return changes;
  }

  private applyModuleMappings(out: IndexChange[], moduleKey: string, rows: ConfirmedMappingRow[]) {
    let changes = 0;
    const present = new Set(rows.map((r) => r.module_organization_id));
    for (const [id, entry] of [...this.confirmed]) {
      if (entry.moduleKey === moduleKey && !present.has(id)) changes += this.unsetConfirmed(out, id);
    }
    for (const row of rows) changes += this.setConfirmed(out, row);
    return changes;
  }

  private applyAllMappings(out: IndexChange[], rows: ConfirmedMappingRow[]) {
    let changes = 0;
    const present = new Set(rows.map((r) => r.module_organization_id));
    for (const id of [...this.confirmed.keys()])
      if (!present.has(id)) changes += this.unsetConfirmed(out, id);
    for (const row of rows) changes += this.setConfirmed(out, row);
    return changes;
  }

  private setConfirmed(out: IndexChange[], row: ConfirmedMappingRow): number {
    const known = this.confirmed.get(row.module_organization_id);
    if (known && known.name === row.name && known.organizationId === row.organization_id) return 0;
    this.confirmed.set(row.module_organization_id, entryOf(row));
    out.push({ kind: "addConfirmed", mapping: toConfirmed(row) });
    return 1;
  }

  private unsetConfirmed(out: IndexChange[], moduleOrganizationId: string): number {
    const known = this.confirmed.get(moduleOrganizationId);
    if (!known) return 0;
    this.confirmed.delete(moduleOrganizationId);
    out.push({ kind: "removeConfirmed", moduleKey: known.moduleKey, id: moduleOrganizationId });
    return 1;
  }

  private applyAliases(out: IndexChange[], rows: { name: string; organization_id: string }[]) {
    let changes = 0;
    const present = new Set(rows.map((a) => aliasKey(a.organization_id, a.name)));
    for (const key of [...this.aliasKeys]) {
      if (present.has(key)) continue;
      const [organizationId = "", name = ""] = key.split("\u0000");
      out.push({ kind: "removeAlias", alias: { organizationId, name } });
      this.aliasKeys.delete(key);
      changes++;
    }
    for (const a of rows) {
      const key = aliasKey(a.organization_id, a.name);
      if (this.aliasKeys.has(key)) continue;
      this.aliasKeys.add(key);
      out.push({ kind: "addAlias", alias: { name: a.name, organizationId: a.organization_id } });
      changes++;
    }
    return changes;
  }
}

function aliasKey(organizationId: string, name: string): string {
  return `${organizationId}\u0000${name}`;
}

function entryOf(row: ConfirmedMappingRow): ConfirmedEntry {
  return { moduleKey: row.module_key, name: row.name, organizationId: row.organization_id };
}

function toConfirmed(row: ConfirmedMappingRow) {
  return {
    moduleKey: row.module_key,
    moduleName: row.module_name,
    moduleOrganizationId: row.module_organization_id,
    name: row.name,
    organizationId: row.organization_id,
  };
}
