import { isOrganizationType, ORGANIZATION_TYPES, type OrganizationType } from "../../domain/organization.ts";
import type { PsaOrganizationRecord } from "../connector.ts";
import { checkName, DUPLICATE_REASON, type MapResult, rejection, type SeenIds } from "../record-checks.ts";

/** One entry of the companyType picklist, as read from the fields endpoint. */
export interface PicklistEntry {
  value: string;
  label: string;
}

/** Company type id -> its label and our organization type (null when the label is not one of ours). */
export type CompanyTypeLookup = Map<string, { label: string; type: OrganizationType | null }>;

/** Matches Autotask labels to our types regardless of case; "Cancellation" is a common respelling. */
function toOrganizationType(label: string): OrganizationType | null {
  const wanted = label.trim().toLowerCase().replace("cancellation", "cancelation");
  const found = ORGANIZATION_TYPES.find((type) => type.toLowerCase() === wanted);
  return found && isOrganizationType(found) ? found : null;
}

/** Builds the type lookup from the picklist (read once per sync, never hard-coded). */
export function buildCompanyTypeLookup(entries: readonly PicklistEntry[]): CompanyTypeLookup {
  return new Map(
    entries.map((entry) => [entry.value, { label: entry.label, type: toOrganizationType(entry.label) }]),
  );
}

/** Maps one Autotask company to a PSA organization, or rejects it with the reason in words. */
export function mapAutotaskCompany(
  raw: unknown,
  types: CompanyTypeLookup,
  seen: SeenIds,
): MapResult<PsaOrganizationRecord> {
  if (typeof raw !== "object" || raw === null) return { rejected: rejection("not an object", raw) };
  const company = raw as Record<string, unknown>;
  const id = company.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
    return {
      rejected: rejection(id === undefined || id === null ? "id missing" : "id is not a whole number", raw),
    };
  }
  const psaId = String(id);
  const name = checkName(company.companyName, "companyName");
  if (!name.ok) return { rejected: rejection(name.reason, raw) };
  const typeId = company.companyType;
  if (typeId === undefined || typeId === null) return { rejected: rejection("companyType missing", raw) };
  const type = types.get(String(typeId));
  if (!type)
    return {
      rejected: rejection(`companyType ${String(typeId)} is not in Autotask's company type list`, raw),
    };
  if (type.type === null) {
    return {
      rejected: rejection(
        `company type "${type.label}" (${String(typeId)}) is not one of ${ORGANIZATION_TYPES.join(", ")}`,
        raw,
      ),
    };
  }
  if (typeof company.isActive !== "boolean") return { rejected: rejection("isActive missing", raw) };
  const parent = company.parentCompanyID;
  if (parent !== undefined && parent !== null && (typeof parent !== "number" || !Number.isInteger(parent))) {
    return { rejected: rejection("parentCompanyID is not a whole number", raw) };
  }
  if (!seen.claim(psaId)) return { rejected: rejection(DUPLICATE_REASON, raw) };
  return {
    record: {
      psaId,
      name: name.value,
      type: type.type,
      isActive: company.isActive,
      // A company that names itself as parent has none; keeping it would make a cycle.
      parentPsaId: typeof parent === "number" && parent !== id ? String(parent) : null,
    },
  };
}
