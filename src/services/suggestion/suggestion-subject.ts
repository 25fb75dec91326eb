import type { SuggestionSubjectRow } from "../../db/suggestion.repository.ts";
import type { MatchQuery } from "../../matching/engine.ts";

/** Attribute names under which a module record carries the PSA (Autotask) id of its company. */
const PSA_ID_ATTRIBUTES = ["autotaskCompanyId", "psaId", "autotaskId"] as const;

/** The PSA id a module record carries (Datto RMM's `autotaskCompanyId`), or null. */
export function carriedPsaId(attributes: Record<string, unknown> | null | undefined): string | null {
  if (!attributes) return null;
  for (const name of PSA_ID_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}

/** The engine's query for one module organization: every kind of evidence it carries. */
export function toMatchQuery(row: SuggestionSubjectRow): MatchQuery {
  return {
    id: row.id,
    name: row.name,
    moduleKey: row.module_key,
    moduleName: row.module_name,
    psaId: carriedPsaId(row.attributes),
    parentOrganizationId: row.parent_organization_id,
  };
}
