import type { ModuleOrganizationRecord } from "../connector.ts";
import {
  checkIdentity,
  compactAttributes,
  type MapResult,
  optionalText,
  rejection,
  type SeenIds,
} from "../record-checks.ts";

/** Datto RMM creates this site itself to hold removed devices; it is no customer. */
export const DELETED_DEVICES_SITE = "Deleted Devices";

/**
 * Maps one Datto RMM site. The site's uid is its stable external id (the numeric id as fallback);
 * `autotaskCompanyId` is kept because it names the PSA company the MSP linked the site to.
 */
export function mapDattoRmmSite(raw: unknown, seen: SeenIds): MapResult<ModuleOrganizationRecord> {
  if (typeof raw !== "object" || raw === null) return { rejected: rejection("not an object", raw) };
  const site = raw as Record<string, unknown>;
  if (
    typeof site.name === "string" &&
    site.name.trim().toLowerCase() === DELETED_DEVICES_SITE.toLowerCase()
  ) {
    return { skipped: "built-in Deleted Devices site" };
  }
  const identity = checkIdentity(raw, site.uid ?? site.id, site.name, seen);
  if (!identity.ok) return { rejected: identity.rejected };
  return {
    record: {
      externalId: identity.id,
      name: identity.name,
      parentExternalId: null,
      attributes: compactAttributes({
        siteId: optionalText(site.id),
        autotaskCompanyId: optionalText(site.autotaskCompanyId),
        autotaskCompanyName: optionalText(site.autotaskCompanyName),
        description: optionalText(site.description),
      }),
    },
  };
}
