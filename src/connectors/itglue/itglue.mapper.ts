import type { ModuleOrganizationRecord } from "../connector.ts";
import {
  checkIdentity,
  compactAttributes,
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
  const identity = checkIdentity(raw, resource.id, attributes.name, seen);
  if (!identity.ok) return { rejected: identity.rejected };
  return {
    record: {
      externalId: identity.id,
      name: identity.name,
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
