import type { AppContext } from "../../context.ts";
import {
  type ChangeMarkers,
  type ConfirmedMappingRow,
  type MappingStateRow,
  type SuggestionOrganizationRow,
  SuggestionRepository,
} from "../../db/suggestion.repository.ts";
import { assertNever, isAuditEntityType } from "../../domain/audit.ts";
import { buildMatchIndex, type MatchIndex } from "../../matching/engine.ts";

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

/**
 * The match index of one service instance, built lazily from the database and kept fresh across
 * processes: before each answer it reads a handful of change markers, then replays only what changed
 * (audit events of mappings, organizations updated since, module records renamed by a sync). Replaying
 * re-reads the current state of what an event touched, so events may arrive late or twice.
 */
export class SuggestionIndexCache {
  private index: MatchIndex | null = null;
  private markers: ChangeMarkers | null = null;
  private lastAuditId = 0;
  private lastAuditStep: string | null = null;
  private readonly gaps = new Map<number, number>();
  private readonly processedSyncRuns = new Set<string>();
  private readonly organizations = new Map<string, SuggestionOrganizationRow>();
  private readonly confirmed = new Map<string, ConfirmedEntry>();
  private readonly aliasKeys = new Set<string>();
  private refreshing: Promise<MatchIndex> | null = null;
  /** Moves on every change applied, so derived caches know when to recompute. */
  generation = 0;
  lastRefresh: RefreshReport = { kind: "none", ms: 0 };

  constructor(private readonly ctx: AppContext) {}

  /** The index, caught up with the database as of this call. Concurrent callers share one refresh. */
  async current(): Promise<MatchIndex> {
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
    this.index = null;
  }

  private async refresh(): Promise<MatchIndex> {
    const started = performance.now();
    const repo = new SuggestionRepository(this.ctx.db);
    const markers = await repo.changeMarkers(this.lastAuditId);
    const previous = this.markers;
    if (this.index === null || previous === null || this.isDiscontinuous(markers, previous)) {
      return this.rebuild(repo, markers, started);
    }
    const index = this.index;
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
    if (isOrganizationReloadNeeded)
      changes += this.applyOrganizations(index, await repo.organizations(), true);
    else if (organizationsSince !== null)
      changes += this.applyOrganizations(index, await repo.organizations(organizationsSince), false);
    else if (touchedOrganizations.size > 0)
      changes += this.applyOrganizations(
        index,
        await repo.organizationsByIds([...touchedOrganizations]),
        false,
      );
    for (const moduleKey of modulesToReload)
      changes += this.applyModuleMappings(index, moduleKey, await repo.confirmedMappings(moduleKey));
    const rest = [...touched].filter((id) => !modulesToReload.has(this.confirmed.get(id)?.moduleKey ?? ""));
    if (rest.length > 0) changes += this.applyMappingStates(index, rest, await repo.mappingStates(rest));
    if (markers.mappingCount !== this.confirmed.size) {
      // A change that left no audit event (a bulk load): reconcile every confirmed mapping.
      changes += this.applyAllMappings(index, await repo.confirmedMappings());
    }
    if (isAliasDirty) changes += this.applyAliases(index, await repo.aliases());
    this.markers = markers;
    if (changes > 0) this.generation++;
    this.lastRefresh = { kind: changes > 0 ? "incremental" : "none", ms: performance.now() - started };
    return index;
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
    const index = buildMatchIndex({
      organizations: organizations.map((o) => ({ id: o.id, name: o.name, psaId: o.psa_id, type: o.type })),
      confirmed: confirmed.map(toConfirmed),
      aliases: aliases.map((a) => ({ name: a.name, organizationId: a.organization_id })),
    });
    this.index = index;
    this.markers = markers;
    this.lastAuditId = markers.maxAuditId;
    this.lastAuditStep = markers.maxAuditStep;
    this.processedSyncRuns.clear();
    for (const run of await repo.syncRunsFinishedSince(markers.maxSyncFinishedAt))
      this.processedSyncRuns.add(run.id);
    this.generation++;
    this.lastRefresh = { kind: "full", ms: performance.now() - started };
    return index;
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
  private applyOrganizations(index: MatchIndex, rows: SuggestionOrganizationRow[], isComplete: boolean) {
    let changes = 0;
    for (const row of rows) {
      const known = this.organizations.get(row.id);
      this.organizations.set(row.id, row);
      if (known && known.name === row.name && known.type === row.type && known.psa_id === row.psa_id)
        continue;
      index.upsertOrganization({ id: row.id, name: row.name, psaId: row.psa_id, type: row.type });
      changes++;
    }
    if (isComplete && rows.length !== this.organizations.size) {
      const present = new Set(rows.map((r) => r.id));
      for (const id of [...this.organizations.keys()]) {
        if (present.has(id)) continue;
        this.organizations.delete(id);
        index.removeOrganization(id);
        changes++;
      }
    }
    return changes;
  }

  /** Sets the confirmed mapping of each touched module organization to what the database holds now. */
  private applyMappingStates(index: MatchIndex, ids: readonly string[], rows: MappingStateRow[]) {
    let changes = 0;
    const byId = new Map(rows.map((r) => [r.module_organization_id, r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (row?.organization_id) {
        changes += this.setConfirmed(index, { ...row, organization_id: row.organization_id });
      } else changes += this.unsetConfirmed(index, id);
    }
    return changes;
  }

  private applyModuleMappings(index: MatchIndex, moduleKey: string, rows: ConfirmedMappingRow[]) {
    let changes = 0;
    const present = new Set(rows.map((r) => r.module_organization_id));
    for (const [id, entry] of [...this.confirmed]) {
      if (entry.moduleKey === moduleKey && !present.has(id)) changes += this.unsetConfirmed(index, id);
    }
    for (const row of rows) changes += this.setConfirmed(index, row);
    return changes;
  }

  private applyAllMappings(index: MatchIndex, rows: ConfirmedMappingRow[]) {
    let changes = 0;
    const present = new Set(rows.map((r) => r.module_organization_id));
    for (const id of [...this.confirmed.keys()])
      if (!present.has(id)) changes += this.unsetConfirmed(index, id);
    for (const row of rows) changes += this.setConfirmed(index, row);
    return changes;
  }

  private setConfirmed(index: MatchIndex, row: ConfirmedMappingRow): number {
    const known = this.confirmed.get(row.module_organization_id);
    if (known && known.name === row.name && known.organizationId === row.organization_id) return 0;
    this.confirmed.set(row.module_organization_id, entryOf(row));
    index.addConfirmedMapping(toConfirmed(row));
    return 1;
  }

  private unsetConfirmed(index: MatchIndex, moduleOrganizationId: string): number {
    const known = this.confirmed.get(moduleOrganizationId);
    if (!known) return 0;
    this.confirmed.delete(moduleOrganizationId);
    index.removeConfirmedMapping(known.moduleKey, moduleOrganizationId);
    return 1;
  }

  private applyAliases(index: MatchIndex, rows: { name: string; organization_id: string }[]) {
    let changes = 0;
    const present = new Set(rows.map((a) => aliasKey(a.organization_id, a.name)));
    for (const key of [...this.aliasKeys]) {
      if (present.has(key)) continue;
      const [organizationId = "", name = ""] = key.split("\u0000");
      index.removeAlias({ organizationId, name });
      this.aliasKeys.delete(key);
      changes++;
    }
    for (const a of rows) {
      const key = aliasKey(a.organization_id, a.name);
      if (this.aliasKeys.has(key)) continue;
      this.aliasKeys.add(key);
      index.addAlias({ name: a.name, organizationId: a.organization_id });
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
