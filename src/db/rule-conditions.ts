import { type RawBuilder, type SqlBool, sql } from "kysely";
import { CONTRACT_CARRYING_TYPE, UNMAPPABLE_TYPES } from "../domain/organization.ts";

/**
 * The product's rules as SQL conditions, built once from the domain's constants so that every
 * repository filtering on them agrees with the write path (`services/mapping-rules.ts`).
 * Column references are SQL identifiers of the caller's query ("o.type", "m"), never user input.
 */

/** Rule 2: the organization (its `type` column) is neither Dead nor Cancelation. */
export function isMappable(typeColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(typeColumn)} not in (${sql.join(UNMAPPABLE_TYPES)})`;
}

/** Rule 2, negated: the organization can no longer be a target (its mappings need attention). */
export function isUnmappable(typeColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(typeColumn)} in (${sql.join(UNMAPPABLE_TYPES)})`;
}

/** Rule 7's default scope: an active Customer (only customers carry contracts, so only they are billed). */
export function isActiveCustomer(typeColumn: string, activeColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(typeColumn)} = ${CONTRACT_CARRYING_TYPE} and ${sql.ref(activeColumn)})`;
}

/** Rule 1: the module (table alias `m`, or the bare table) has billing on and its first sync done. */
export function isReadyModule(table?: string): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  return sql<SqlBool>`(${column("billing_enabled")} and ${column("first_successful_sync_at")} is not null)`;
}

/**
 * Rule 7: the (organization, module) pair is still to be done: it has neither a mapping nor an
 * ignore. Used by the worklist counts and the grid's "hide mapped" filter alike.
 */
export function isOpenPair(organizationIdColumn: string, moduleKeyColumn: string): RawBuilder<SqlBool> {
  const organizationId = sql.ref(organizationIdColumn);
  const moduleKey = sql.ref(moduleKeyColumn);
  return sql<SqlBool>`(not exists (select 1 from mappings mp where mp.organization_id = ${organizationId} and mp.module_key = ${moduleKey})
    and not exists (select 1 from ignores ig where ig.organization_id = ${organizationId} and ig.module_key = ${moduleKey}))`;
}
