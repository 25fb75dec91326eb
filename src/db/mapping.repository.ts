import { sql } from "kysely";
import type { Db } from "./database.ts";
import { isActiveCustomer, isMappable, isOpenPair } from "./rule-conditions.ts";
import type { MappingSource } from "./schema.ts";

export interface MappingWithTarget {
  module_organization_id: string;
  module_key: string;
  module_organization_name: string;
  organization_id: string;
  organization_name: string;
  created_at: Date;
}

/** Mappings, ignores and exclusions: the three kinds of decision a person makes. */
export class MappingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Locks (organization, module) pairs until the transaction ends, so that a pair's version is read
   * and changed by one writer at a time (rule 10). An advisory lock, because an empty pair has no row
   * to lock; taken in module key order so that two writers of several pairs cannot deadlock.
   */
  async lockPairs(organizationId: string, moduleKeys: readonly string[]): Promise<void> {
    for (const moduleKey of [...new Set(moduleKeys)].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext('orgmap.pair'), hashtext(${`${organizationId}/${moduleKey}`}))`.execute(
        this.db,
      );
    }
  }

  async findMapping(moduleOrganizationId: string) {
    const [mapping] = await this.findMappings([moduleOrganizationId]);
    return mapping;
  }

  async findMappings(moduleOrganizationIds: readonly string[]) {
    if (moduleOrganizationIds.length === 0) return [];
    return this.db
      .selectFrom("mappings as mp")
      .innerJoin("organizations as o", "o.id", "mp.organization_id")
      .select([
        "mp.module_organization_id",
        "mp.organization_id",
        "mp.module_key",
        "o.name as organization_name",
      ])
      .where("mp.module_organization_id", "in", moduleOrganizationIds)
      .execute();
  }

  /** Module organizations mapped to the given organizations in the given modules, oldest first. */
  async mappedTo(
    organizationIds: readonly string[],
    moduleKeys: readonly string[],
  ): Promise<MappingWithTarget[]> {
    if (organizationIds.length === 0 || moduleKeys.length === 0) return [];
    return this.db
      .selectFrom("mappings as mp")
      .innerJoin("module_organizations as mo", "mo.id", "mp.module_organization_id")
      .innerJoin("organizations as o", "o.id", "mp.organization_id")
      .select([
        "mp.module_organization_id",
        "mp.module_key",
        "mo.name as module_organization_name",
        "mp.organization_id",
        "o.name as organization_name",
        "mp.created_at",
      ])
      .where("mp.organization_id", "in", organizationIds)
      .where("mp.module_key", "in", moduleKeys)
      .orderBy("mp.created_at")
      .orderBy("mo.name")
      .execute() as Promise<MappingWithTarget[]>;
  }

  async setMapping(input: {
    moduleOrganizationId: string;
    moduleKey: string;
    organizationId: string;
    source: MappingSource;
    createdBy: string;
    at: Date;
  }): Promise<void> {
    await this.upsertMany([input]);
  }

  /** Sets many mappings at once (insert, or move when mapped elsewhere). */
  async upsertMany(
    rows: readonly {
      moduleOrganizationId: string;
      moduleKey: string;
      organizationId: string;
      source: MappingSource;
      createdBy: string;
      at: Date;
    }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto("mappings")
      .values(
        rows.map((r) => ({
          module_organization_id: r.moduleOrganizationId,
          module_key: r.moduleKey,
          organization_id: r.organizationId,
          source: r.source,
          created_by: r.createdBy,
          created_at: r.at,
        })),
      )
      .onConflict((oc) =>
        oc.column("module_organization_id").doUpdateSet((eb) => ({
          organization_id: eb.ref("excluded.organization_id"),
          source: eb.ref("excluded.source"),
          created_by: eb.ref("excluded.created_by"),
          created_at: eb.ref("excluded.created_at"),
        })),
      )
      .execute();
  }

  /** Bulk insert for loads (benchmarks, fixtures): no audit, no checks; callers guarantee validity. */
  async insertMany(
    rows: readonly {
      moduleOrganizationId: string;
      moduleKey: string;
      organizationId: string;
      createdBy: string;
      at: Date;
    }[],
  ) {
    for (let i = 0; i < rows.length; i += 2000) {
      await this.db
        .insertInto("mappings")
        .values(
          rows.slice(i, i + 2000).map((r) => ({
            module_organization_id: r.moduleOrganizationId,
            module_key: r.moduleKey,
            organization_id: r.organizationId,
            source: "import" as const,
            created_by: r.createdBy,
            created_at: r.at,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async deleteMapping(moduleOrganizationId: string): Promise<void> {
    await this.db.deleteFrom("mappings").where("module_organization_id", "=", moduleOrganizationId).execute();
  }

  async ignoredModuleKeys(organizationIds: readonly string[], moduleKeys: readonly string[]) {
    if (organizationIds.length === 0 || moduleKeys.length === 0) return [];
    return this.db
      .selectFrom("ignores")
      .select(["organization_id", "module_key"])
      .where("organization_id", "in", organizationIds)
      .where("module_key", "in", moduleKeys)
      .execute();
  }

  async isIgnored(organizationId: string, moduleKey: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("ignores")
      .select("organization_id")
      .where("organization_id", "=", organizationId)
      .where("module_key", "=", moduleKey)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setIgnore(organizationId: string, moduleKey: string, createdBy: string, at: Date): Promise<void> {
    await this.db
      .insertInto("ignores")
      .values({
        organization_id: organizationId,
        module_key: moduleKey,
        created_by: createdBy,
        created_at: at,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Returns whether an ignore was there to delete. */
  async deleteIgnore(organizationId: string, moduleKey: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("ignores")
      .where("organization_id", "=", organizationId)
      .where("module_key", "=", moduleKey)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async isExcluded(moduleOrganizationId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("exclusions")
      .select("module_organization_id")
      .where("module_organization_id", "=", moduleOrganizationId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async setExclusion(moduleOrganizationId: string, createdBy: string, at: Date): Promise<void> {
    await this.db
      .insertInto("exclusions")
      .values({ module_organization_id: moduleOrganizationId, created_by: createdBy, created_at: at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async deleteExclusion(moduleOrganizationId: string): Promise<void> {
    await this.db
      .deleteFrom("exclusions")
      .where("module_organization_id", "=", moduleOrganizationId)
      .execute();
  }

  /** Per module: module organizations neither mapped nor excluded (active ones only). */
  async countUnmappedModuleOrganizations(moduleKeys: readonly string[]): Promise<Map<string, number>> {
    if (moduleKeys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("module_organizations as mo")
      .leftJoin("mappings as mp", "mp.module_organization_id", "mo.id")
      .leftJoin("exclusions as ex", "ex.module_organization_id", "mo.id")
      .select(["mo.module_key", (eb) => eb.fn.countAll<number>().as("n")])
      .where("mo.module_key", "in", moduleKeys)
      .where("mo.status", "=", "active")
      .where("mp.module_organization_id", "is", null)
      .where("ex.module_organization_id", "is", null)
      .groupBy("mo.module_key")
      .execute();
    return new Map(rows.map((r) => [r.module_key, Number(r.n)]));
  }

  /** Per module: (organization, module) pairs with neither a mapping nor an ignore. */
  async countOrganizationsWithoutMapping(
    moduleKeys: readonly string[],
    scope: { customersOnly: boolean },
  ): Promise<Map<string, number>> {
    if (moduleKeys.length === 0) return new Map();
    const customerFilter = scope.customersOnly
      ? isActiveCustomer("o.type", "o.is_active")
      : isMappable("o.type");
    const result = await sql<{ module_key: string; n: number }>`
      select k.key as module_key, count(o.id) as n
      from unnest(${sql.val(moduleKeys)}::text[]) as k(key)
      join organizations o on ${customerFilter} and o.status = 'active'
      where ${isOpenPair("o.id", "k.key")}
      group by k.key
    `.execute(this.db);
    return new Map(result.rows.map((r) => [r.module_key, Number(r.n)]));
  }

  /** Per module (or for one): mapped, excluded and total module organizations. */
  async moduleCounts(
    moduleKey?: string,
  ): Promise<Map<string, { total: number; mapped: number; excluded: number; unmapped: number }>> {
    const result = await sql<{
      module_key: string;
      total: number;
      mapped: number;
      excluded: number;
      unmapped: number;
    }>`
      select mo.module_key,
        count(*) as total,
        count(mp.module_organization_id) as mapped,
        count(ex.module_organization_id) as excluded,
        count(*) filter (where mp.module_organization_id is null and ex.module_organization_id is null and mo.status = 'active') as unmapped
      from module_organizations mo
      left join mappings mp on mp.module_organization_id = mo.id
      left join exclusions ex on ex.module_organization_id = mo.id
      ${moduleKey === undefined ? sql`` : sql`where mo.module_key = ${moduleKey}`}
      group by mo.module_key
    `.execute(this.db);
    return new Map(
      result.rows.map((r) => [
        r.module_key,
        {
          total: Number(r.total),
          mapped: Number(r.mapped),
          excluded: Number(r.excluded),
          unmapped: Number(r.unmapped),
        },
      ]),
    );
  }
}
