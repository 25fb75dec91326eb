import { EVIDENCE } from "./decision.ts";
import { addEvidence, type EvidenceByOrganization } from "./evidence.ts";
import { MAX_INITIALS, MIN_INITIALS } from "./initials.ts";
import type { MatchIndex } from "./match-index.ts";
import type { NormalizedName } from "./normalize.ts";
import { softDice } from "./similarity.ts";

/** More names than this under one initials say nothing. */
const MAX_NAMES_PER_INITIALS = 100;
/** Score of initials that stand for leading words, and what the other words, compared, add to it. */
const LEADING_BASE = EVIDENCE.acronym;
const LEADING_REST = 0.19;

/**
 * Initials standing for an organization's leading words, the other words compared as words ("NLU -
 * Ellis HS" / "Northern Lakes University - Dr. Ellis Head Start", "CPS Technologies" / "Cobalt Power
 * Systems Technologies"). A proposal, never accepted on its own: the evidence stays below acceptance.
 */
export function leadingInitialsEvidence(
  index: MatchIndex,
  norm: NormalizedName,
  all: EvidenceByOrganization,
  weight: (token: string) => number,
): void {
  const initials = norm.tokens[0] ?? "";
  if (initials.length < MIN_INITIALS || initials.length > MAX_INITIALS) return;
  // A word some name holds ("BE Semiconductor", "BT Group") is read as that word, not as initials.
  if (index.words.documentFrequency(initials) > 0) return;
  const slots = index.byInitials.get(initials);
  if (slots === undefined || slots.length > MAX_NAMES_PER_INITIALS) return;
  const rest = [...norm.tokens.slice(1), ...norm.siteTokens];
  for (const slot of slots) {
    const doc = index.documents[slot];
    if (doc === undefined || doc.source === "confirmed") continue;
    const words = [...doc.norm.tokens, ...doc.norm.siteTokens];
    const otherRest = words.slice(initials.length);
    // The whole name as initials is `acronymEvidence`'s; here the other words must say something.
    if (rest.length === 0 || otherRest.length === 0) continue;
    const restScore = softDice(rest, otherRest, weight).score;
    const expansion = words.slice(0, initials.length).join(" ");
    addEvidence(all, doc.organizationId, {
      kind: "acronym",
      score: LEADING_BASE + LEADING_REST * restScore,
      reasons: () => [`'${initials.toUpperCase()}' is the initials of '${expansion}' in '${doc.norm.raw}'`],
      isComplete: false,
    });
  }
}

/** Initials evidence: the whole name as initials of the other. */
export function acronymEvidence(
  index: MatchIndex,
  norm: NormalizedName,
  all: EvidenceByOrganization,
  /** The name the reasons quote (`norm`, or one alike: see `suggestAlike`). */
  asked: { norm: NormalizedName } = { norm },
): void {
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
      const ofDoc = doc.norm.acronym === acronym;
      addEvidence(all, doc.organizationId, {
        kind: "acronym",
        score: EVIDENCE.acronym,
        reasons: () => [
          `'${acronym.toUpperCase()}' is the initials of '${ofDoc ? doc.norm.raw : asked.norm.raw}'`,
        ],
        isComplete: false,
      });
    }
  }
}
