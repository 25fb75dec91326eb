import { EVIDENCE } from "./decision.ts";
import { addEvidence, type EvidenceByOrganization } from "./evidence.ts";
import type { MatchIndex } from "./match-index.ts";
import type { NormalizedName } from "./normalize.ts";

/** Initials evidence: the whole name as initials of the other. */
export function acronymEvidence(index: MatchIndex, norm: NormalizedName, all: EvidenceByOrganization): void {
  const pairs: Array<[string, number[] | undefined]> = [];
  if (norm.tokens.length === 1 && norm.key.length >= 2 && norm.key.length <= 6) {
    pairs.push([norm.key, index.byAcronym.get(norm.key)]);
  }
  if (norm.acronym !== null) pairs.push([norm.acronym, index.byKey.get(norm.acronym)]);
  for (const [acronym, slots] of pairs) {
    if (slots === undefined || slots.length > 3) continue;
    for (const slot of slots) {
      const doc = index.documents[slot];
      if (doc === undefined || doc.source === "confirmed") continue;
      const long = doc.norm.acronym === acronym ? doc.norm.raw : norm.raw;
      const reason = `'${acronym.toUpperCase()}' is the initials of '${long}'`;
      addEvidence(all, doc.organizationId, {
        kind: "acronym",
        score: EVIDENCE.acronym,
        reasons: () => [reason],
        isComplete: false,
      });
    }
  }
}
