import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { OrganizationType } from "../domain/organization.ts";
import type { Db } from "./database.ts";

/** What the suggestion index needs of an organization. */
export interface SuggestionOrganizationRow {
  id: string;
  name: string;
  psa_id: string;
  type: OrganizationType;
  status: "active" | "missing";
  updated_at: Date;
}

/** A mapped module organization: its name is evidence for its organization in other modules. */
export interface ConfirmedMappingRow {
  module_organization_id: string;
  module_key: string;
  module_name: string;
  name: string;
  organization_id: string;
}

/** The state of one module organization's mapping now (organization_id null when unmapped). */
export interface MappingStateRow {
  module_organization_id: string;
  module_key: string;
  module_name: string;
  name: string;
  organization_id: string | null;
}

/** A module organization to suggest for, with the organization its parent is mapped to. */
export interface SuggestionSubjectRow {
  id: string;
  module_key: string;
  module_name: string;
  name: string;
  attributes: Record<string, unknown>;
  tree_sort: string;
  parent_organization_id: string | null;
  organization_id: string | null;
  is_excluded: boolean;
}

/** Cheap markers of change, read before every answer: when one moved, the index catches up. */
export interface ChangeMarkers {
  maxAuditId: number;
  /** The step of the newest audit event, and of the event with the anchor id asked for. */
  maxAuditStep: string | null;
  anchorAuditStep: string | null;
  organizationCount: number;
  /** Count and greatest id of the organizations: moves when one is added or removed. */
  organizationFingerprint: string;
  mappingCount: number;
  maxOrganizationUpdatedAt: Date | null;
  maxSyncFinishedAt: Date | null;
  aliasCount: number;
}

export interface ChangeEventRow {
  id: number;
  entity_type: string;
  entity_id: string;
}

const NO_ID = "00000000-0000-0000-0000-000000000000";

/** Reads for the suggestion index (organizations, confirmed mappings, aliases, changes) and rejections. */
export class SuggestionRepository {
  constructor(private readonly db: Db) {}

  /** One round trip; `anchorAuditId` is an audit id seen before (its step tells a restore apart). */
  async changeMarkers(anchorAuditId = 0): Promise<ChangeMarkers> {
    const result = await sql<{
      max_audit_id: string | number | null;
      max_audit_step: string | null;
      anchor_audit_step: string | null;
      organization_count: string | number;
      max_organization_id: string | null;
      mapping_count: string | number;
      max_organization_updated_at: Date | string | null;
      max_sync_finished_at: Date | string | null;
      alias_count: string | number;
    }>`
      select
        (select max(id) from audit_events) as max_audit_id,
        (select step_id::text from audit_events order by id desc limit 1) as max_audit_step,
        (select step_id::text from audit_events where id = ${anchorAuditId}) as anchor_audit_step,
        (select count(*) from organizations) as organization_count,
        (select max(id::text) from organizations) as max_organization_id,
        (select count(*) from mappings) as mapping_count,
        (select max(updated_at) from organizations) as max_organization_updated_at,
        (select max(finished_at) from sync_runs) as max_sync_finished_at,
        (select count(*) from aliases) as alias_count
    `.execute(this.db);
    const row = result.rows[0]!;
    return {
      maxAuditId: Number(row.max_audit_id ?? 0),
      maxAuditStep: row.max_audit_step,
      anchorAuditStep: row.anchor_audit_step,
      organizationCount: Number(row.organization_count),
      organizationFingerprint: `${row.organization_count}/${row.max_organization_id ?? ""}`,
      mappingCount: Number(row.mapping_count),
      maxOrganizationUpdatedAt: toDate(row.max_organization_updated_at),
      maxSyncFinishedAt: toDate(row.max_sync_finished_at),
      aliasCount: Number(row.alias_count),
    };
  }

  /** Organizations, all of them or those updated at or after `since`. */
  async organizations(since?: Date): Promise<SuggestionOrganizationRow[]> {
    let query = this.db
      .selectFrom("organizations")
      .select(["id", "name", "psa_id", "type", "status", "updated_at"]);
    if (since) query = query.where("updated_at", ">=", since);
    return (await query.execute()) as SuggestionOrganizationRow[];
  }

  async organizationsByIds(ids: readonly string[]): Promise<SuggestionOrganizationRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return (await this.db
      .selectFrom("organizations")
      .select(["id", "name", "psa_id", "type", "status", "updated_at"])
      .where("id", "in", valid)
      .execute()) as SuggestionOrganizationRow[];
  }

  /** Every mapping with its module organization's name, optionally of one module only. */
  async confirmedMappings(moduleKey?: string): Promise<ConfirmedMappingRow[]> {
    let query = this.db
      .selectFrom("mappings as mp")
      .innerJoin("module_organizations as mo", "mo.id", "mp.module_organization_id")
      .innerJoin("modules as m", "m.key", "mp.module_key")
      .select([
        "mp.module_organization_id",
        "mp.module_key",
        "m.name as module_name",
        "mo.name",
        "mp.organization_id",
      ]);
    if (moduleKey !== undefined) query = query.where("mp.module_key", "=", moduleKey);
    return query.execute();
  }

  async aliases(): Promise<{ name: string; organization_id: string }[]> {
    return this.db.selectFrom("aliases").select(["name", "organization_id"]).execute();
  }

  /** Audit events after `afterId` up to `uptoId`, and those with the given ids (late commits). */
  async changeEvents(afterId: number, uptoId: number, alsoIds: readonly number[]): Promise<ChangeEventRow[]> {
    const rows = await this.db
      .selectFrom("audit_events")
      .select(["id", "entity_type", "entity_id"])
      .where((eb) => {
        const range = eb.and([eb("id", ">", afterId), eb("id", "<=", uptoId)]);
        return alsoIds.length > 0 ? eb.or([range, eb("id", "in", [...alsoIds])]) : range;
      })
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Sync runs finished at or after `since`: which module (null: the PSA) and when each started. */
  async syncRunsFinishedSince(since: Date | null) {
    let query = this.db
      .selectFrom("sync_runs")
      .select(["id", "module_key", "started_at"])
      .where("finished_at", "is not", null);
    if (since) query = query.where("finished_at", ">=", since);
    const rows = await query.execute();
    return rows.map((r) => ({ id: r.id, moduleKey: r.module_key, startedAt: new Date(r.started_at) }));
  }

  /** The current mapping of each given module organization (those that exist). */
  async mappingStates(moduleOrganizationIds: readonly string[]): Promise<MappingStateRow[]> {
    const ids = moduleOrganizationIds.filter(isUuid);
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("module_organizations as mo")
      .innerJoin("modules as m", "m.key", "mo.module_key")
      .leftJoin("mappings as mp", "mp.module_organization_id", "mo.id")
      .select([
        "mo.id as module_organization_id",
        "mo.module_key",
        "m.name as module_name",
        "mo.name",
        "mp.organization_id",
      ])
      .where("mo.id", "in", ids)
      .execute();
  }

  /**
   * Module organizations to suggest for: active ones of the given modules in tree order, after the
   * cursor; by default only those neither mapped nor excluded.
   */
  async subjects(filter: {
    moduleKeys: readonly string[];
    ids?: readonly string[];
    includeDecided?: boolean;
    after?: { k: string; id: string } | undefined;
    limit?: number;
  }): Promise<SuggestionSubjectRow[]> {
    if (filter.moduleKeys.length === 0) return [];
    let query = this.db
      .selectFrom("module_organizations as mo")
      .innerJoin("modules as m", "m.key", "mo.module_key")
      .leftJoin("mappings as mp", "mp.module_organization_id", "mo.id")
      .leftJoin("mappings as pm", "pm.module_organization_id", "mo.parent_id")
      .leftJoin("exclusions as ex", "ex.module_organization_id", "mo.id")
      .select([
        "mo.id",
        "mo.module_key",
        "m.name as module_name",
        "mo.name",
        "mo.attributes",
        "mo.tree_sort",
        "pm.organization_id as parent_organization_id",
        "mp.organization_id",
        sql<boolean>`ex.module_organization_id is not null`.as("is_excluded"),
      ])
      .where("mo.module_key", "in", [...filter.moduleKeys]);
    if (filter.ids) query = query.where("mo.id", "in", [...filter.ids.filter(isUuid), NO_ID]);
    if (!filter.includeDecided) {
      query = query
        .where("mo.status", "=", "active")
        .where("mp.module_organization_id", "is", null)
        .where("ex.module_organization_id", "is", null);
    }
    if (filter.after) {
      query = query.where(
        sql<boolean>`(mo.tree_sort, mo.id) > (${filter.after.k}, ${filter.after.id}::uuid)`,
      );
    }
    query = query.orderBy("mo.tree_sort").orderBy("mo.id");
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return query.execute();
  }

  /** Moves when a module's records are added, removed or renamed. */
  async moduleOrganizationFingerprint(moduleKey: string): Promise<string> {
    const result = await sql<{ fingerprint: string }>`
      select count(*)::text || '/' || coalesce(max(id::text), '') || '/' ||
        coalesce(sum(hashtext(name || chr(1) || status || chr(1) || attributes::text))::text, '') as fingerprint
      from module_organizations where module_key = ${moduleKey}
    `.execute(this.db);
    return result.rows[0]?.fingerprint ?? "";
  }

  /** A module's active records: what the reverse look-up indexes. */
  async moduleOrganizationNames(moduleKey: string) {
    return this.db
      .selectFrom("module_organizations")
      .select(["id", "name", "attributes"])
      .where("module_key", "=", moduleKey)
      .where("status", "=", "active")
      .execute();
  }

  /** Organizations a user rejected, per module organization. */
  async rejections(moduleOrganizationIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const ids = moduleOrganizationIds.filter(isUuid);
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await this.db
        .selectFrom("suggestion_rejections")
        .select(["module_organization_id", "organization_id"])
        .where("module_organization_id", "in", ids.slice(i, i + 5000))
        .execute();
      for (const row of rows) {
        const set = out.get(row.module_organization_id) ?? new Set<string>();
        set.add(row.organization_id);
        out.set(row.module_organization_id, set);
      }
    }
    return out;
  }

  async insertRejection(input: {
    moduleOrganizationId: string;
    organizationId: string;
    createdBy: string;
    at: Date;
  }): Promise<void> {
    await this.db
      .insertInto("suggestion_rejections")
      .values({
        module_organization_id: input.moduleOrganizationId,
        organization_id: input.organizationId,
        created_by: input.createdBy,
        created_at: input.at,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
