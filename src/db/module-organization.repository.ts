import { type RawBuilder, type SqlBool, sql } from "kysely";
import { type Cursor, encodeCursor, keysetPage } from "../domain/cursor.ts";
import { AppError } from "../domain/errors.ts";
import { isUuid } from "../domain/ids.ts";
import type { ModuleOrganizationSort } from "../domain/list-sorts.ts";
import type { Db } from "./database.ts";
import { searchCondition } from "./name-search.ts";
import { isUnmappable } from "./rule-conditions.ts";
import type { ModuleOrganizationRow } from "./schema.ts";

export type ModuleOrganizationStatusFilter = "unmapped" | "mapped" | "excluded" | "missing";

export interface ModuleOrganizationFilter {
  moduleKeys: string[];
  status?: ModuleOrganizationStatusFilter | undefined;
  search?: string | undefined;
  organizationId?: string | undefined;
  needsAttention?: boolean | undefined;
  ids?: string[] | undefined;
}

export interface ModuleOrganizationListRow {
  id: string;
  module_key: string;
  module_name: string;
  external_id: string;
  name: string;
  parent_id: string | null;
  status: "active" | "missing";
  attributes: Record<string, unknown>;
  version: number;
  tree_sort: string;
  is_excluded: boolean;
  organization_id: string | null;
  organization_name: string | null;
  organization_type: string | null;
}

type ListQuery = ReturnType<ModuleOrganizationRepository["filtered"]>;

export interface ModuleOrganizationUpsert {
  externalId: string;
  name: string;
  parentExternalId: string | null;
  attributes: Record<string, unknown>;
}

/** Module organizations (a module's customers, sites, domains). */
export class ModuleOrganizationRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<ModuleOrganizationRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom("module_organizations").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findByIds(ids: readonly string[]): Promise<ModuleOrganizationRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.db.selectFrom("module_organizations").selectAll().where("id", "in", valid).execute();
  }

  /** Locks the rows for the rest of the transaction, in id order so two writers cannot deadlock. */
  async lockByIds(ids: readonly string[]): Promise<ModuleOrganizationRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.db
      .selectFrom("module_organizations")
      .selectAll()
      .where("id", "in", valid)
      .orderBy("id")
      .forUpdate()
      .execute();
  }

  async bumpVersion(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable("module_organizations")
      .set((eb) => ({ version: eb("version", "+", 1) }))
      .where("id", "in", ids)
      .execute();
  }

  /**
   * A page of module organizations with their mapping. Tree order by default (sub-organizations
   * right after their parent); `unmappedFirst` puts unmapped ones first, each part in tree order.
   */
  async list(
    filter: ModuleOrganizationFilter,
    options: {
      limit: number;
      cursor: Cursor | undefined;
      orderBy: "tree" | "unmappedFirst";
      sort?: ModuleOrganizationSort | undefined;
    },
  ): Promise<{ rows: ModuleOrganizationListRow[]; nextCursor: string | null }> {
    if (filter.moduleKeys.length === 0) return { rows: [], nextCursor: null };
    let query = this.filtered(filter, await this.search(filter));
    if (options.orderBy === "unmappedFirst") return this.unmappedFirst(query, options.limit, options.cursor);
    if (options.sort && options.sort !== "name")
      return this.sorted(query, options.sort, options.limit, options.cursor, filter.moduleKeys);
    if (options.cursor && "k" in options.cursor) {
      query = query.where(
        sql<boolean>`(mo.tree_sort, mo.id) > (${options.cursor.k}, ${options.cursor.id}::uuid)`,
      );
    }
    // An offset lets a virtualized list jump to any row.
    if (options.cursor && "o" in options.cursor) query = query.offset(options.cursor.o);
    const rows = await query
      .orderBy("mo.tree_sort")
      .orderBy("mo.id")
      .limit(options.limit + 1)
      .execute();
    return keysetPage(rows, options.limit);
  }

  /** How many rows the filter matches (for a virtualized list's scrollbar). */
  async count(filter: ModuleOrganizationFilter): Promise<number> {
    if (filter.moduleKeys.length === 0) return 0;
    const row = await this.filtered(filter, await this.search(filter))
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The search's condition, decided once per call (`searchCondition`: literal, else near spellings). */
  private search(filter: ModuleOrganizationFilter) {
    return filter.search
      ? searchCondition(
          this.db,
          { table: "module_organizations", alias: "mo", name: "name", id: "external_id" },
          filter.search,
        )
      : Promise.resolve(undefined);
  }

  private filtered(filter: ModuleOrganizationFilter, search: RawBuilder<SqlBool> | undefined) {
    let query = this.db
      .selectFrom("module_organizations as mo")
      .innerJoin("modules as m", "m.key", "mo.module_key")
      .leftJoin("mappings as mp", "mp.module_organization_id", "mo.id")
      .leftJoin("organizations as o", "o.id", "mp.organization_id")
      .leftJoin("exclusions as ex", "ex.module_organization_id", "mo.id")
      .select([
        "mo.id",
        "mo.module_key",
        "m.name as module_name",
        "mo.external_id",
        "mo.name",
        "mo.parent_id",
        "mo.status",
        "mo.attributes",
        "mo.version",
        "mo.tree_sort",
        sql<boolean>`ex.module_organization_id is not null`.as("is_excluded"),
        "o.id as organization_id",
        "o.name as organization_name",
        "o.type as organization_type",
      ])
      .where("mo.module_key", "in", filter.moduleKeys);
    if (search) query = query.where(search);
    if (filter.organizationId) query = query.where("mp.organization_id", "=", filter.organizationId);
    if (filter.ids)
      query = query.where("mo.id", "in", [
        ...filter.ids.filter(isUuid),
        "00000000-0000-0000-0000-000000000000",
      ]);
    switch (filter.status) {
      case "unmapped":
        query = query
          .where("mp.module_organization_id", "is", null)
          .where("ex.module_organization_id", "is", null);
        break;
      case "mapped":
        query = query.where("mp.module_organization_id", "is not", null);
        break;
      case "excluded":
        query = query.where("ex.module_organization_id", "is not", null);
        break;
      case "missing":
        query = query.where("mo.status", "=", "missing");
        break;
    }
    if (filter.needsAttention) {
      // Few rows qualify: find them from the two small sets rather than filter every row.
      query = query.where("mp.module_organization_id", "is not", null).where((eb) =>
        eb(
          "mo.id",
          "in",
          eb
            .selectFrom("module_organizations as m2")
            .select("m2.id")
            .where("m2.status", "=", "missing")
            .union(
              eb
                .selectFrom("mappings as mp2")
                .innerJoin("organizations as o2", "o2.id", "mp2.organization_id")
                .select("mp2.module_organization_id as id")
                .where(isUnmappable("o2.type")),
            ),
        ),
      );
    }
    return query;
  }

  /** Whether these modules in key order are also in name order (the database's collation). */
  private async keysSortAsNames(moduleKeys: readonly string[]): Promise<boolean> {
    const rows = await this.db
      .selectFrom("modules")
      .select("key")
      .where("key", "in", moduleKeys)
      .orderBy("name")
      .orderBy("key")
      .execute();
    const byName = rows.map((r) => r.key);
    const byKey = await this.db
      .selectFrom("modules")
      .select("key")
      .where("key", "in", moduleKeys)
      .orderBy("key")
      .execute();
    return byKey.every((r, i) => r.key === byName[i]);
  }

  /**
   * The list in another order than the tree (tab 2's sortable columns), paged by offset. Each order
   * ends on the tree key and the id, so no two rows tie and an offset never repeats or skips a row.
   * `-name` is flat (a sub-organization sorts by its own name); `module` is by module name, each
   * module in tree order; `organization` is by the mapped organization's name, unmapped rows last
   * in both directions.
   */
  private async sorted(
    query: ListQuery,
    sort: ModuleOrganizationSort,
    limit: number,
    cursor: Cursor | undefined,
    moduleKeys: readonly string[],
  ) {
    if (cursor && "k" in cursor)
      throw new AppError("bad_request", "this cursor belongs to another order", { field: "cursor" });
    const offset = cursor && "o" in cursor ? cursor.o : 0;
    const direction = sort.startsWith("-") ? "desc" : "asc";
    let ordered: ListQuery;
    if (sort === "-name") ordered = query.orderBy(sql`lower(mo.name)`, "desc").orderBy("mo.id", "desc");
    else {
      if (sort === "module" || sort === "-module") {
        // By the module's name. When the listed modules' keys sort as their names do (the usual
        // case: itglue / IT Glue, datto-rmm / Datto RMM), order by the key instead: it is on the
        // row, so the tree index (and 0022's descending one) walk the order rather than sorting
        // every row. Otherwise the name decides (a sort of every row).
        ordered = (await this.keysSortAsNames(moduleKeys))
          ? query.orderBy("mo.module_key", direction)
          : query.orderBy("m.name", direction).orderBy("mo.module_key", direction);
      } else ordered = query.orderBy(sql`o.name ${sql.raw(direction)} nulls last`);
      ordered = ordered.orderBy("mo.tree_sort").orderBy("mo.id");
    }
    const rows = await ordered
      .offset(offset)
      .limit(limit + 1)
      .execute();
    return {
      rows: rows.slice(0, limit),
      nextCursor: rows.length > limit ? encodeCursor({ o: offset + limit }) : null,
    };
  }

  /**
   * Pickers want unmapped records first: the unmapped ones in tree order, then the mapped ones in
   * tree order. Two keyset walks over the tree index (the cursor says which phase it is in), so
   * no page sorts the whole module.
   */
  private async unmappedFirst(query: ListQuery, limit: number, cursor: Cursor | undefined) {
    const after = (q: ListQuery) =>
      cursor && "k" in cursor
        ? q.where(sql<boolean>`(mo.tree_sort, mo.id) > (${cursor.k}, ${cursor.id}::uuid)`)
        : q;
    const walk = (q: ListQuery, n: number) => q.orderBy("mo.tree_sort").orderBy("mo.id").limit(n).execute();
    const inMappedPhase = cursor !== undefined && "k" in cursor && cursor.p === 1;
    let rows: ModuleOrganizationListRow[] = [];
    if (!inMappedPhase) {
      rows = await walk(after(query.where("mp.module_organization_id", "is", null)), limit + 1);
    }
    if (rows.length <= limit) {
      const mapped = query.where("mp.module_organization_id", "is not", null);
      rows = rows.concat(await walk(inMappedPhase ? after(mapped) : mapped, limit + 1 - rows.length));
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({
              k: last.tree_sort,
              id: last.id,
              ...(last.organization_id ? { p: 1 as const } : {}),
            })
          : null,
    };
  }

  async findByExternalIds(
    moduleKey: string,
    externalIds: readonly string[],
  ): Promise<ModuleOrganizationRow[]> {
    if (externalIds.length === 0) return [];
    return this.db
      .selectFrom("module_organizations")
      .selectAll()
      .where("module_key", "=", moduleKey)
      .where("external_id", "in", externalIds)
      .execute();
  }

  /**
   * Inserts or updates one page of a module's records by external id, then links parents by
   * external id. Returns each record's id and its row before the upsert (undefined when new).
   */
  async upsertMany(moduleKey: string, records: readonly ModuleOrganizationUpsert[], seenAt: Date) {
    if (records.length === 0) return [];
    const existing = new Map(
      (
        await this.findByExternalIds(
          moduleKey,
          records.map((r) => r.externalId),
        )
      ).map((r) => [r.external_id, r]),
    );
    const upserted = await this.db
      .insertInto("module_organizations")
      .values(
        records.map((r) => ({
          module_key: moduleKey,
          external_id: r.externalId,
          name: r.name,
          attributes: JSON.stringify(r.attributes),
          status: "active" as const,
          first_seen_at: seenAt,
          last_seen_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["module_key", "external_id"]).doUpdateSet((eb) => ({
          name: eb.ref("excluded.name"),
          attributes: eb.ref("excluded.attributes"),
          status: "active",
          last_seen_at: eb.ref("excluded.last_seen_at"),
        })),
      )
      .returning(["id", "external_id"])
      .execute();
    const idByExternalId = new Map(upserted.map((r) => [r.external_id, r.id]));
    const parentExternalIds = [
      ...new Set(
        records
          .map((r) => r.parentExternalId)
          .filter((p): p is string => p !== null && !idByExternalId.has(p)),
      ),
    ];
    for (const row of await this.findByExternalIds(moduleKey, parentExternalIds))
      idByExternalId.set(row.external_id, row.id);
    const parentUpdates: { id: string; parentId: string | null }[] = [];
    for (const record of records) {
      const id = idByExternalId.get(record.externalId)!;
      const parentId = record.parentExternalId ? (idByExternalId.get(record.parentExternalId) ?? null) : null;
      if ((existing.get(record.externalId)?.parent_id ?? null) !== parentId)
        parentUpdates.push({ id, parentId });
    }
    await this.setParents(parentUpdates);
    return records.map((r) => ({
      record: r,
      id: idByExternalId.get(r.externalId)!,
      before: existing.get(r.externalId),
    }));
  }

  private async setParents(updates: readonly { id: string; parentId: string | null }[]): Promise<void> {
    for (let i = 0; i < updates.length; i += 1000) {
      const chunk = updates.slice(i, i + 1000);
      await sql`
        update module_organizations mo set parent_id = v.parent_id::uuid
        from (values ${sql.join(chunk.map((u) => sql`(${u.id}::uuid, ${u.parentId})`))}) as v(id, parent_id)
        where mo.id = v.id
      `.execute(this.db);
    }
  }

  /** Links children whose parent arrived on a later page (by the parent's external id in attributes). */
  async linkPendingParents(moduleKey: string, pending: readonly { id: string; parentExternalId: string }[]) {
    if (pending.length === 0) return;
    const parents = await this.findByExternalIds(moduleKey, [
      ...new Set(pending.map((p) => p.parentExternalId)),
    ]);
    const idByExternalId = new Map(parents.map((p) => [p.external_id, p.id]));
    await this.setParents(
      pending
        .filter((p) => idByExternalId.has(p.parentExternalId))
        .map((p) => ({ id: p.id, parentId: idByExternalId.get(p.parentExternalId)! })),
    );
  }

  /** Marks the module's active records not seen since `since` as missing; returns them. */
  async markMissingNotSeenSince(moduleKey: string, since: Date) {
    return this.db
      .updateTable("module_organizations")
      .set({ status: "missing" })
      .where("module_key", "=", moduleKey)
      .where("status", "=", "active")
      .where("last_seen_at", "<", since)
      .returning(["id", "external_id", "name"])
      .execute();
  }

  /** Recomputes the tree order key of a module's records: parent's key, then the child's name. */
  async recomputeTreeSort(moduleKey: string): Promise<void> {
    await sql`
      update module_organizations mo set tree_sort = lower(mo.name) || chr(1) || mo.id::text
      where mo.module_key = ${moduleKey} and mo.parent_id is null
        and mo.tree_sort is distinct from lower(mo.name) || chr(1) || mo.id::text
    `.execute(this.db);
    await sql`
      update module_organizations c set tree_sort = p.tree_sort || chr(2) || lower(c.name) || chr(1) || c.id::text
      from module_organizations p
      where c.parent_id = p.id and c.module_key = ${moduleKey}
        and c.tree_sort is distinct from p.tree_sort || chr(2) || lower(c.name) || chr(1) || c.id::text
    `.execute(this.db);
  }
}
