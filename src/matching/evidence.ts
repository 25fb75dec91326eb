import type { TokenPair } from "./similarity.ts";

/** Evidence that a module organization belongs to an organization, gathered per organization. */
export interface Evidence {
  kind: "psaId" | "confirmed" | "alias" | "name" | "acronym" | "parent";
  score: number;
  /** Reasons in words, worked out only for the candidates that are returned. */
  reasons: () => string[];
  /** The names agree word for word apart from typos (or the evidence is not a name at all). */
  isComplete: boolean;
  /** Every word of one name is in the other, which has more words (see `NameMatch.contained`). */
  isContained?: boolean;
  /** Name evidence: the word pairs of the comparison. */
  pairs?: readonly TokenPair[];
  /** Name evidence: the module organization's name adds words to the whole organization's name. */
  addsWords?: boolean;
}

export type EvidenceByOrganization = Map<string, Evidence[]>;

export function addEvidence(all: EvidenceByOrganization, organizationId: string, evidence: Evidence): void {
  const list = all.get(organizationId);
  if (list === undefined) {
    all.set(organizationId, [evidence]);
    return;
  }
  const same = list.findIndex((e) => e.kind === evidence.kind);
  if (same < 0) list.push(evidence);
  else if ((list[same] as Evidence).score < evidence.score) list[same] = evidence;
}

/**
 * The module organization's words that a name evidence pairs (a run of words spelled by initials counts
 * each of its words); null for evidence that is no word-by-word comparison (an exact name, PSA id, parent).
 */
export function matchedWords(evidence: Evidence | undefined): ReadonlySet<string> | null {
  const pairs = evidence?.pairs;
  if (pairs === undefined || pairs.length === 0) return null;
  const words = new Set<string>();
  for (const pair of pairs) for (const word of pair.query.split(" ")) words.add(word);
  return words;
}

/** The strongest evidence speaks in full; the others add their headline when they count. */
export function reasonsOf(evidences: readonly Evidence[]): string[] {
  const reasons = evidences[0]?.reasons() ?? [];
  for (const other of evidences.slice(1)) {
    if (other.score < 0.75) continue;
    const headline = other.reasons()[0];
    if (headline !== undefined && !reasons.includes(headline)) reasons.push(headline);
  }
  return reasons;
}
