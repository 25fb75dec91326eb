import { sql } from "kysely";
import type { AlertItem } from "../domain/alert-event.ts";
import type { Db } from "./database.ts";

/** What the alert hooks read inside the sync's transactions (the only SQL behind the events' data). */
export class AlertSourceRepository {
  constructor(private readonly db: Db) {}

  async moduleName(moduleKey: string): Promise<string> {
    const row = await this.db
      .selectFrom("modules")
      .select("name")
      .where("key", "=", moduleKey)
      .executeTakeFirst();
    return row?.name ?? moduleKey;
  }

  /** Module organizations first seen at `seenAt` (this run) that are neither mapped nor excluded. */
  async newUnmapped(moduleKey: string, seenAt: Date, limit: number) {
    const rows = await sql<{ id: string; name: string; total: string }>`
      select mo.id, mo.name, count(*) over () as total from module_organizations mo
      where mo.module_key = ${moduleKey} and mo.first_seen_at >= ${seenAt} and mo.status = 'active'
        and not exists (select 1 from mappings mp where mp.module_organization_id = mo.id)
        and not exists (select 1 from exclusions ex where ex.module_organization_id = mo.id)
      order by mo.tree_sort, mo.id limit ${limit}
    `.execute(this.db);
    return {
      count: Number(rows.rows[0]?.total ?? 0),
      items: rows.rows.map(({ id, name }) => ({ id, name })),
    };
  }

  /** Of these module organizations, the mapped ones with their organization. */
  async mappedAmong(ids: readonly string[]): Promise<AlertItem[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("mappings as mp")
      .innerJoin("module_organizations as mo", "mo.id", "mp.module_organization_id")
      .innerJoin("organizations as o", "o.id", "mp.organization_id")
      .select(["mo.id", "mo.name", "o.id as organizationId", "o.name as organizationName"])
      .where("mp.module_organization_id", "in", ids)
      .orderBy("mo.tree_sort")
      .orderBy("mo.id")
      .execute();
  }

  /** How many module organizations each of these organizations has mapped to it (only those with some). */
  async mappedCounts(organizationIds: readonly string[]): Promise<Map<string, number>> {
    if (organizationIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("mappings")
      .select(["organization_id", sql<string>`count(*)`.as("n")])
      .where("organization_id", "in", organizationIds)
      .groupBy("organization_id")
      .execute();
    return new Map(rows.map((row) => [row.organization_id, Number(row.n)]));
  }

  /**
   * Modules with a connector whose last successful sync finished before `before` (or that never
   * had one and were created before it), with that time.
   */
  async overdueModules(before: Date) {
    const rows = await sql<{ key: string; name: string; last_success_at: Date | string | null }>`
      select m.key, m.name, (
        select max(r.finished_at) from sync_runs r where r.module_key = m.key and r.outcome = 'succeeded'
      ) as last_success_at
      from modules m where m.connector_kind is not null
    `.execute(this.db);
    return rows.rows
      .map((row) => ({
        key: row.key,
        name: row.name,
        lastSuccessAt: row.last_success_at === null ? null : new Date(row.last_success_at),
      }))
      .filter((row) => row.lastSuccessAt !== null && row.lastSuccessAt < before);
  }

  /** Modules with a connector that never completed a sync, with their creation time. */
  async neverSyncedModules() {
    return this.db
      .selectFrom("modules as m")
      .select(["m.key", "m.name", "m.created_at"])
      .where("m.connector_kind", "is not", null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("sync_runs as r")
              .select("r.id")
              .whereRef("r.module_key", "=", "m.key")
              .where("r.outcome", "=", "succeeded"),
          ),
        ),
      )
      .execute();
  }
}
