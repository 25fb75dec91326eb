import type { ModuleOrganizationRecord } from "../connector.ts";
import {
  checkId,
  checkName,
  compactAttributes,
  DUPLICATE_REASON,
  type MapResult,
  optionalText,
  rejection,
  type SeenIds,
} from "../record-checks.ts";

/**
 * Maps one JSON:API organization resource to a module organization. IT Glue organizations have
 * no parent; their type, status and short name are kept because they help matching and display.
 */
export function mapItGlueOrganization(raw: unknown, seen: SeenIds): MapResult<ModuleOrganizationRecord> {
  if (typeof raw !== "object" || raw === null) return { rejected: rejection("not an object", raw) };
  const resource = raw as { id?: unknown; attributes?: unknown };
  const attributes = (
    typeof resource.attributes === "object" && resource.attributes !== null ? resource.attributes : {}
  ) as Record<string, unknown>;
  const id = checkId(resource.id);
  if (!id.ok) return { rejected: rejection(id.reason, raw) };
  const name = checkName(attributes.name);
  if (!name.ok) return { rejected: rejection(name.reason, raw) };
  if (!seen.claim(id.value)) return { rejected: rejection(DUPLICATE_REASON, raw) };
  return {
    record: {
      externalId: id.value,
      name: name.value,
      parentExternalId: null,
      attributes: compactAttributes({
        shortName: optionalText(attributes["short-name"]),
        organizationTypeName: optionalText(attributes["organization-type-name"]),
        organizationStatusName: optionalText(attributes["organization-status-name"]),
        primaryDomain: optionalText(attributes["primary-domain"]),
        psaIntegration: optionalText(attributes["psa-integration"]),
      }),
    },
  };
}
