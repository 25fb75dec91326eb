import type { OrganizationType } from "../domain/organization.ts";

/** A PSA organization as the matcher needs it. `type` defaults to Customer. */
export interface MatchOrganization {
  id: string;
  name: string;
  psaId?: string | null;
  type?: OrganizationType;
}

/**
 * A module organization already mapped by a user: its name is evidence for the organization, for any
 * module organization of the same name in another module. `moduleOrganizationId` identifies the
 * mapping so that it can be replaced or removed later.
 */
export interface ConfirmedMapping {
  moduleKey: string;
  moduleName?: string;
  moduleOrganizationId?: string;
  name: string;
  organizationId: string;
}

/** A name that users confirmed as another name of an organization. */
export interface ConfirmedAlias {
  name: string;
  organizationId: string;
}

/** What {@link buildMatchIndex} starts from. */
export interface MatchIndexInput {
  organizations: readonly MatchOrganization[];
  confirmed?: readonly ConfirmedMapping[];
  aliases?: readonly ConfirmedAlias[];
  /** Learn word equivalences from confirmed mappings and aliases (default true; the benchmark turns it off to compare). */
  learnWords?: boolean;
}

/** A module organization to find targets for. */
export interface MatchQuery {
  /** The module organization's id (used to skip its own confirmed mapping and in batch results). */
  id: string;
  name: string;
  moduleKey?: string;
  /** Display name of the module ("Datto RMM"), used in reasons. */
  moduleName?: string;
  /** A PSA organization id the record carries (Datto RMM `autotaskCompanyId`). */
  psaId?: string | null;
  /** For a sub-organization: the organization its parent is mapped to, if any. */
  parentOrganizationId?: string | null;
}

export interface SuggestOptions {
  /**
   * How many candidates (default 3); organizations bearing the same name and score as one of them come
   * along beyond it (a chain's sites named alike are offered together, each saying what tells it apart).
   */
  top?: number;
  /** Organizations a user rejected for this module organization: never proposed. */
  rejectedOrganizationIds?: Iterable<string>;
}

/** One proposed target with its score in [0, 1], whether it is confident enough to accept, and why. */
export interface Candidate {
  organizationId: string;
  score: number;
  accept: boolean;
  reasons: string[];
}

/** The candidates for one module organization, best first. */
export interface Suggestion {
  moduleOrganizationId: string;
  candidates: Candidate[];
}
