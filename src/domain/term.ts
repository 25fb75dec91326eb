/** The instance's word for "organization" (product.md section 1). */
export const ORGANIZATION_TERMS = [
  "Organization",
  "Account",
  "Business Unit",
  "Client",
  "Client Company",
  "Company",
  "Customer",
  "Site",
] as const;

export type OrganizationTerm = (typeof ORGANIZATION_TERMS)[number];

export const DEFAULT_TERM: OrganizationTerm = "Organization";

/** Every UI label derived from the term, so the web app and tests agree on the words. */
export function termLabels(term: OrganizationTerm) {
  return {
    term,
    plural: `${term}s`,
    mapByOrganization: `Map by ${term}`,
    mapByModuleOrganization: `Map by Module ${term}`,
    psaOrganization: `Autotask ${term}`,
    moduleOrganization: `Module ${term}`,
    moduleOrganizations: `Module ${term}s`,
    mappingsTitle: (name: string) => `Mappings - ${name}`,
  };
}
