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

const CUSTOMER_FIELDS = new Set(["saasCustomerId", "saasCustomerName", "domain"]);

/** The external id of a domain: unique across customers, and case-insensitive like DNS. */
export function domainExternalId(customerId: string, domain: string): string {
  return `${customerId}:${domain.toLowerCase()}`;
}

/**
 * Maps one row of /v1/saas/domains. A row is a domain of a customer: the customer becomes a
 * module organization the first time it appears, and every domain a sub-organization under it.
 * Returns up to two results (the customer, then the domain).
 */
export function mapDattoSaasRow(
  raw: unknown,
  seen: SeenIds,
  customers: Set<string>,
): MapResult<ModuleOrganizationRecord>[] {
  if (typeof raw !== "object" || raw === null) return [{ rejected: rejection("not an object", raw) }];
  const row = raw as Record<string, unknown>;
  const customerId = checkId(row.saasCustomerId, "saasCustomerId");
  if (!customerId.ok) return [{ rejected: rejection(customerId.reason, raw) }];
  const customerName = checkName(row.saasCustomerName, "saasCustomerName");
  if (!customerName.ok) return [{ rejected: rejection(customerName.reason, raw) }];

  const results: MapResult<ModuleOrganizationRecord>[] = [];
  if (!customers.has(customerId.value)) {
    customers.add(customerId.value);
    seen.claim(customerId.value);
    results.push({
      record: {
        externalId: customerId.value,
        name: customerName.value,
        parentExternalId: null,
        attributes: compactAttributes({
          organizationId: optionalText(row.organizationId),
          organizationName: optionalText(row.organizationName),
        }),
      },
    });
  }

  const domain = checkName(row.domain, "domain");
  if (!domain.ok) {
    results.push({ rejected: rejection(domain.reason, raw) });
    return results;
  }
  const id = domainExternalId(customerId.value, domain.value);
  if (!seen.claim(id)) {
    results.push({ rejected: rejection(DUPLICATE_REASON, raw) });
    return results;
  }
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (CUSTOMER_FIELDS.has(key) || key === "organizationId" || key === "organizationName") continue;
    if (typeof value === "number" || typeof value === "boolean") attributes[key] = value;
    else if (typeof value === "string") attributes[key] = optionalText(value);
  }
  results.push({
    record: {
      externalId: id,
      name: domain.value,
      parentExternalId: customerId.value,
      attributes: compactAttributes(attributes),
    },
  });
  return results;
}
