import { type Expression, type SqlBool, sql } from "kysely";
import { type Cursor, encodeCursor, keysetPage } from "../domain/cursor.ts";
import { AppError } from "../domain/errors.ts";
import type { GridSort } from "../domain/list-sorts.ts";
import type { Db } from "./database.ts";
import { searchCondition } from "./name-search.ts";
import { isActiveCustomer, isMappable, isOpenPair } from "./rule-conditions.ts";
import type { OrganizationRow } from "./schema.ts";

export interface GridFilter {
  search?: string | undefined;
  /** Rows with no mapping in any ready module. */
  unmappedOnly?: boolean | undefined;
  /** Hide rows whose every ready module is mapped or ignored. */
  hideMapped?: boolean | undefined;
  moduleKeys: string[];
  /**
   * Rule 7's worklist as rows (issue 13 point 9: the summary's counts link here): active
   * organizations of the scope with an open pair in `worklistModule` (else in any of `moduleKeys`),
   * exactly the organizations `MappingRepository.countOrganizationsWithoutMapping` counts.
   */
  worklist?: "active_customers" | "all_mappable" | undefined;
  worklistModule?: string | undefined;
}

/** The rows of Map by Organization: mappable organizations in tree order, with filters. */
export class GridRepository {
  constructor(private readonly db: Db) {}

  private async filtered(filter: GridFilter) {
    let query = this.db.selectFrom("organizations as o").where(isMappable("o.type"));
    if (filter.search)
      query = query.where(
        await searchCondition(
          this.db,
          { table: "organizations", alias: "o", name: "name", id: "psa_id" },
          filter.search,
        ),
      );
    const keys = filter.moduleKeys;
    if (filter.unmappedOnly && keys.length > 0) {
      query = query.where(
        sql<SqlBool>`not exists (select 1 from mappings mp where mp.organization_id = o.id and mp.module_key in (${sql.join(keys)}))`,
      );
    }
    if (filter.hideMapped && keys.length > 0) {
      const hasGap: Expression<SqlBool> = sql<SqlBool>`exists (
        select 1 from unnest(${sql.val(keys)}::text[]) as k(key) where ${isOpenPair("o.id", "k.key")})`;
      query = query.where(hasGap);
    }
    if (filter.worklist) {
      const keys = filter.worklistModule
        ? filter.moduleKeys.filter((key) => key === filter.worklistModule)
        : filter.moduleKeys;
      query = query.where("o.status", "=", "active");
      if (filter.worklist === "active_customers")
        query = query.where(isActiveCustomer("o.type", "o.is_active"));
      query = query.where(
        keys.length === 0
          ? sql<SqlBool>`false`
          : sql<SqlBool>`exists (select 1 from unnest(${sql.val(keys)}::text[]) as k(key) where ${isOpenPair("o.id", "k.key")})`,
      );
    }
    return query;
  }

  /**
   * A page of rows. `name` (the default) is the tree order, by keyset or offset; the other orders
   * are flat (a sub-organization sorts by its own name or id) and page by offset, each ending on the
   * id so that no two rows tie and an offset never repeats or skips a row. A PSA id sorts as a
   * number when it is one (shorter first, then by text).
   */
  async page(
    filter: GridFilter,
    limit: number,
    cursor: Cursor | undefined,
    sort: GridSort = "name",
  ): Promise<{ rows: OrganizationRow[]; nextCursor: string | null }> {
    let query = (await this.filtered(filter)).selectAll("o");
    if (sort !== "name") {
      if (cursor && "k" in cursor)
        throw new AppError("bad_request", "this cursor belongs to another order", { field: "cursor" });
      const offset = cursor && "o" in cursor ? cursor.o : 0;
      const direction = sort.startsWith("-") ? "desc" : "asc";
      const ordered =
        sort === "-name"
          ? query.orderBy(sql`lower(o.name)`, direction)
          : query.orderBy(sql`length(o.psa_id)`, direction).orderBy("o.psa_id", direction);
      const rows = await ordered
        .orderBy("o.id", direction)
        .offset(offset)
        .limit(limit + 1)
        .execute();
      return {
        rows: rows.slice(0, limit),
        nextCursor: rows.length > limit ? encodeCursor({ o: offset + limit }) : null,
      };
    }
    if (cursor && "k" in cursor)
      query = query.where(sql<SqlBool>`(o.tree_sort, o.id) > (${cursor.k}, ${cursor.id}::uuid)`);
    // An offset lets a virtualized grid jump to any row; the index walk it costs is cheap at 50,000 rows.
    if (cursor && "o" in cursor) query = query.offset(cursor.o);
    const rows = await query
      .orderBy("o.tree_sort")
      .orderBy("o.id")
      .limit(limit + 1)
      .execute();
    return keysetPage(rows, limit);
  }

  async count(filter: GridFilter): Promise<number> {
    const row = await (await this.filtered(filter))
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
