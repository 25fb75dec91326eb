import { sql } from "kysely";
import { type Cursor, keysetPage } from "../domain/cursor.ts";
import { isUuid } from "../domain/ids.ts";
import { ORGANIZATION_TYPES, type OrganizationType } from "../domain/organization.ts";
import type { Db } from "./database.ts";
import { searchCondition } from "./name-search.ts";
import { isMappable, isUnmappable } from "./rule-conditions.ts";
import type { OrganizationRow } from "./schema.ts";

export interface OrganizationFilter {
  search?: string | undefined;
  type?: OrganizationType | undefined;
  isMappable?: boolean | undefined;
  ids?: string[] | undefined;
}

export interface OrganizationUpsert {
  psaId: string;
  name: string;
  type: OrganizationType;
  isActive: boolean;
  parentPsaId: string | null;
}

export { likePattern } from "./name-search.ts";

/** Organizations (PSA companies). The only place that writes SQL for them. */
export class OrganizationRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<OrganizationRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findByIds(ids: readonly string[]): Promise<OrganizationRow[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows: OrganizationRow[] = [];
    // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
    for (let i = 0; i < valid.length; i += 5000) {
      rows.push(
        ...(await this.db
          .selectFrom("organizations")
          .selectAll()
          .where("id", "in", valid.slice(i, i + 5000))
          .execute()),
      );
    }
    return rows;
  }

  async findByPsaIds(psaIds: readonly string[]): Promise<OrganizationRow[]> {
    if (psaIds.length === 0) return [];
    return this.db.selectFrom("organizations").selectAll().where("psa_id", "in", psaIds).execute();
  }

  /** A page in tree order (sub-organizations right after their parent). */
  async list(filter: OrganizationFilter, limit: number, cursor: Cursor | undefined) {
    let query = this.db.selectFrom("organizations").selectAll();
    // By name, forgiving typos, or by PSA id (issue 13 point 11).
    if (filter.search)
      query = query.where(
        await searchCondition(this.db, { table: "organizations", name: "name", id: "psa_id" }, filter.search),
      );
    if (filter.type) query = query.where("type", "=", filter.type);
    if (filter.isMappable === true) query = query.where(isMappable("type"));
    if (filter.isMappable === false) query = query.where(isUnmappable("type"));
    if (filter.ids)
      query = query.where("id", "in", [...filter.ids.filter(isUuid), "00000000-0000-0000-0000-000000000000"]);
    if (cursor && "k" in cursor) {
      query = query.where(sql<boolean>`(tree_sort, id) > (${cursor.k}, ${cursor.id}::uuid)`);
    }
    const rows = await query
      .orderBy("tree_sort")
      .orderBy("id")
      .limit(limit + 1)
      .execute();
    return keysetPage(rows, limit);
  }

  /**
   * Inserts or updates organizations by PSA id and links parents by PSA id. Returns, per PSA id,
   * what changed, so the caller can count and audit it.
   */
  async upsertMany(records: readonly OrganizationUpsert[], seenAt: Date) {
    if (records.length === 0) return [];
    const existing = new Map(
      (await this.findByPsaIds(records.map((r) => r.psaId))).map((r) => [r.psa_id, r]),
    );
    const inserted = await this.db
      .insertInto("organizations")
      .values(
        records.map((r) => ({
          psa_id: r.psaId,
          name: r.name,
          type: r.type,
          is_active: r.isActive,
          parent_id: null,
          status: "active" as const,
          first_seen_at: seenAt,
          last_seen_at: seenAt,
          updated_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc.column("psa_id").doUpdateSet((eb) => ({
          name: eb.ref("excluded.name"),
          type: eb.ref("excluded.type"),
          is_active: eb.ref("excluded.is_active"),
          status: "active",
          last_seen_at: eb.ref("excluded.last_seen_at"),
          // Only a real change moves updated_at, so readers that catch up on changes stay cheap.
          updated_at: sql<Date>`case when (organizations.name, organizations.type, organizations.is_active, organizations.status)
            is distinct from (excluded.name, excluded.type, excluded.is_active, 'active')
            then excluded.updated_at else organizations.updated_at end`,
        })),
      )
      .returning(["id", "psa_id"])
      .execute();
    const withParent = records.filter((r) => r.parentPsaId !== null);
    const idByPsaId = new Map(inserted.map((r) => [r.psa_id, r.id]));
    const missingParents = withParent.map((r) => r.parentPsaId!).filter((p) => !idByPsaId.has(p));
    for (const row of await this.findByPsaIds([...new Set(missingParents)]))
      idByPsaId.set(row.psa_id, row.id);
    for (const record of records) {
      const parentId = record.parentPsaId ? (idByPsaId.get(record.parentPsaId) ?? null) : null;
      const id = idByPsaId.get(record.psaId);
      const currentParentId = existing.get(record.psaId)?.parent_id ?? null;
      if (id && currentParentId !== parentId) {
        await this.db
          .updateTable("organizations")
          .set({ parent_id: parentId })
          .where("id", "=", id)
          .execute();
      }
    }
    return records.map((r) => ({ record: r, id: idByPsaId.get(r.psaId)!, before: existing.get(r.psaId) }));
  }

  /** Marks every active organization not seen since `since` as missing; returns them. */
  async markMissingNotSeenSince(since: Date) {
    return this.db
      .updateTable("organizations")
      .set({ status: "missing" })
      .where("status", "=", "active")
      .where("last_seen_at", "<", since)
      .returning(["id", "psa_id", "name"])
      .execute();
  }

  /** Recomputes the tree order key: parent's key, then the child's own name. */
  async recomputeTreeSort(): Promise<void> {
    await sql`
      update organizations o set tree_sort = lower(o.name) || chr(1) || o.id::text
      where o.parent_id is null and o.tree_sort is distinct from lower(o.name) || chr(1) || o.id::text
    `.execute(this.db);
    await sql`
      update organizations c set tree_sort = p.tree_sort || chr(2) || lower(c.name) || chr(1) || c.id::text
      from organizations p
      where c.parent_id = p.id
        and c.tree_sort is distinct from p.tree_sort || chr(2) || lower(c.name) || chr(1) || c.id::text
    `.execute(this.db);
  }

  /** Organizations whose name equals `name` regardless of case (a create's duplicate check). */
  async findByNameIgnoringCase(name: string): Promise<OrganizationRow[]> {
    return this.db
      .selectFrom("organizations")
      .selectAll()
      .where(sql<boolean>`lower(name) = lower(${name})`)
      .orderBy("name")
      .limit(10)
      .execute();
  }

  async countByType(): Promise<Record<OrganizationType, number>> {
    const rows = await this.db
      .selectFrom("organizations")
      .select(["type", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("type")
      .execute();
    const counts = Object.fromEntries(ORGANIZATION_TYPES.map((t) => [t, 0])) as Record<
      OrganizationType,
      number
    >;
    for (const row of rows) counts[row.type] = Number(row.n);
    return counts;
  }
}
