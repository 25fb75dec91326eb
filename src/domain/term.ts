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

/** English plural of a term or noun phrase: its last word takes the plural ("Client Companies"). */
export function pluralOf(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Every UI label derived from the term, so the web app and tests agree on the words. */
export function termLabels(term: OrganizationTerm) {
  const plural = pluralOf(term);
  return {
    term,
    plural,
    mapByOrganization: `Map by ${term}`,
    mapByModuleOrganization: `Map by Module ${term}`,
    psaOrganization: `Autotask ${term}`,
    moduleOrganization: `Module ${term}`,
    moduleOrganizations: `Module ${plural}`,
    mappingsTitle: (name: string) => `Mappings - ${name}`,
  };
}
