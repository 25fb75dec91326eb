/** Autotask's fixed list of company types, in Autotask's spelling. */
export const ORGANIZATION_TYPES = [
  "Customer",
  "Lead",
  "Prospect",
  "Dead",
  "Cancelation",
  "Vendor",
  "Partner",
] as const;

export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** Types that can never be a mapping target (product rule 2). */
export const UNMAPPABLE_TYPES: readonly OrganizationType[] = ["Dead", "Cancelation"];

/** The type whose organizations carry recurring contracts: rule 7's worklist counts these by default. */
export const CONTRACT_CARRYING_TYPE: OrganizationType = "Customer";

/** An organization is mappable when its type is neither Dead nor Cancelation. */
export function isMappableType(type: OrganizationType): boolean {
  return !UNMAPPABLE_TYPES.includes(type);
}

export function isOrganizationType(value: string): value is OrganizationType {
  return (ORGANIZATION_TYPES as readonly string[]).includes(value);
}

/** A PSA organization as the domain sees it. */
export interface Organization {
  id: string;
  psaId: string;
  name: string;
  type: OrganizationType;
  isActive: boolean;
  parentId: string | null;
}
