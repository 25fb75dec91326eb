import { sql } from "kysely";
import type { MappingInterval } from "../domain/billing/attribution.ts";
import type { Db } from "./database.ts";

/** One module organization's mapping during [validFrom, validTo), as the table stores it. */
export interface StoredMappingInterval extends MappingInterval {
  moduleOrganizationId: string;
}

interface IntervalRow {
  module_organization_id: string;
  organization_id: string | null;
  is_excluded: boolean;
  valid_from: Date;
  valid_to: Date | null;
}

const toInterval = (row: IntervalRow): StoredMappingInterval => ({
  moduleOrganizationId: row.module_organization_id,
  organizationId: row.organization_id,
  isExcluded: row.is_excluded,
  validFrom: new Date(row.valid_from),
  validTo: row.valid_to === null ? null : new Date(row.valid_to),
});

const iso = (date: Date) => date.toISOString();

/**
 * Dated mappings (rule 12): which organization a module organization was mapped to, and whether it
 * was excluded, at any instant. A row per state; time with no row is unmapped. Kept by the mapping
 * write path in the same transaction as the mapping change (services/billing/mapping-history.ts).
 */
export class MappingIntervalRepository {
  constructor(private readonly db: Db) {}

  /** The interval in force of each of these module organizations (those with none are unmapped). */
  async openIntervals(moduleOrganizationIds: readonly string[]): Promise<StoredMappingInterval[]> {
    if (moduleOrganizationIds.length === 0) return [];
    const result = await sql<IntervalRow>`
      select module_organization_id, organization_id, is_excluded, valid_from, valid_to
      from mapping_intervals
      where module_organization_id = any(${sql.val(moduleOrganizationIds)}::uuid[]) and valid_to is null
    `.execute(this.db);
    return result.rows.map(toInterval);
  }

  /**
   * Applies the changes of many module organizations in at most three statements: drop open
   * intervals that began at the very instant of the change, close the others, open the new ones.
   */
  async applyChanges(changes: {
    drops: string[];
    closes: { moduleOrganizationId: string; at: Date }[];
    opens: StoredMappingInterval[];
  }): Promise<void> {
    if (changes.drops.length > 0) {
      await sql`
        delete from mapping_intervals
        where module_organization_id = any(${sql.val(changes.drops)}::uuid[]) and valid_to is null
      `.execute(this.db);
    }
    if (changes.closes.length > 0) {
      await sql`
        update mapping_intervals m set valid_to = c.at
        from unnest(${sql.val(changes.closes.map((c) => c.moduleOrganizationId))}::uuid[],
                    ${sql.val(changes.closes.map((c) => iso(c.at)))}::timestamptz[]) as c(id, at)
        where m.module_organization_id = c.id and m.valid_to is null
      `.execute(this.db);
    }
    if (changes.opens.length > 0) {
      const opens = changes.opens;
      await sql`
        insert into mapping_intervals (module_organization_id, organization_id, is_excluded, valid_from)
        select * from unnest(${sql.val(opens.map((o) => o.moduleOrganizationId))}::uuid[],
                             ${sql.val(opens.map((o) => o.organizationId))}::uuid[],
                             ${sql.val(opens.map((o) => o.isExcluded))}::boolean[],
                             ${sql.val(opens.map((o) => iso(o.validFrom)))}::timestamptz[])
      `.execute(this.db);
    }
  }

  /**
   * The mapping in force at `at` of every module organization that had one (or of the given ones):
   * organization and exclusion. Unmapped module organizations have no row.
   */
  async mappingsInForce(
    at: Date,
    moduleOrganizationIds?: readonly string[],
  ): Promise<StoredMappingInterval[]> {
    const only =
      moduleOrganizationIds === undefined
        ? sql``
        : sql`and module_organization_id = any(${sql.val(moduleOrganizationIds)}::uuid[])`;
    const result = await sql<IntervalRow>`
      select module_organization_id, organization_id, is_excluded, valid_from, valid_to
      from mapping_intervals
      where valid_from <= ${iso(at)}::timestamptz and (valid_to is null or valid_to > ${iso(at)}::timestamptz)
      ${only}
    `.execute(this.db);
    return result.rows.map(toInterval);
  }

  /** Per module organization, its intervals overlapping [start, end), oldest first: attributeUsage's input. */
  async mappingIntervals(
    moduleOrganizationIds: readonly string[],
    period: { start: Date; end: Date },
  ): Promise<Map<string, StoredMappingInterval[]>> {
    const byModuleOrganization = new Map<string, StoredMappingInterval[]>();
    if (moduleOrganizationIds.length === 0) return byModuleOrganization;
    const result = await sql<IntervalRow>`
      select module_organization_id, organization_id, is_excluded, valid_from, valid_to
      from mapping_intervals
      where module_organization_id = any(${sql.val(moduleOrganizationIds)}::uuid[])
        and valid_from < ${iso(period.end)}::timestamptz
        and (valid_to is null or valid_to > ${iso(period.start)}::timestamptz)
      order by module_organization_id, valid_from
    `.execute(this.db);
    for (const row of result.rows) {
      const interval = toInterval(row);
      const list = byModuleOrganization.get(interval.moduleOrganizationId);
      if (list) list.push(interval);
      else byModuleOrganization.set(interval.moduleOrganizationId, [interval]);
    }
    return byModuleOrganization;
  }

  /** Every interval of one module organization, oldest first. */
  async history(moduleOrganizationId: string): Promise<StoredMappingInterval[]> {
    const rows = await this.db
      .selectFrom("mapping_intervals")
      .select(["module_organization_id", "organization_id", "is_excluded", "valid_from", "valid_to"])
      .where("module_organization_id", "=", moduleOrganizationId)
      .orderBy("valid_from")
      .execute();
    return (rows as IntervalRow[]).map(toInterval);
  }
}
