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
