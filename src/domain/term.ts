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

/**
 * A sentence of the server (an error's detail, a suggestion's reason) in the instance's term
 * (issue 13 point 14): the words "organization" and "organizations", lower case and whole (so
 * "organizationId" and "Acme Organization Inc." stay), become the term; a capital one only where
 * it opens the sentence. "module organization" follows ("module client company"), as the UI's
 * "Module Client Company" does.
 */
export function inTermWords(text: string, term: OrganizationTerm): string {
  if (term === DEFAULT_TERM) return text;
  const singular = term.toLowerCase();
  const plural = pluralOf(term).toLowerCase();
  return text
    .replace(/^Organization(s?)\b/, (_, s: string) => (s ? pluralOf(term) : term))
    .replace(/\borganization(s?)\b/g, (_, s: string) => (s ? plural : singular));
}
