import type { MatchIndex } from "./match-index.ts";

/** Organizations beyond the top offered at most because they bear the same name as one in it. */
const MAX_NAMESAKES = 20;
function nameKeyOf(index: MatchIndex, organizationId: string): string {
  const organization = index.organizations.get(organizationId);
  return organization === undefined
    ? organizationId
    : (index.documents[organization.nameSlot]?.norm.wholeKey ?? organizationId);
}

/**
 * The first `top`, and beyond them every organization with the same name and score as one of them: a
 * chain's sites named alike in the PSA are offered together, not an arbitrary few of them.
 */
export function withNamesakes<T extends { organizationId: string; score: number }>(
  index: MatchIndex,
  scored: readonly T[],
  top: number,
): T[] {
  const chosen = scored.slice(0, top);
  if (scored.length <= top || top === 0) return chosen;
  const scoreByName = new Map(chosen.map((c) => [nameKeyOf(index, c.organizationId), c.score] as const));
  for (const other of scored.slice(top, top + MAX_NAMESAKES)) {
    if (scoreByName.get(nameKeyOf(index, other.organizationId)) === other.score) chosen.push(other);
  }
  return chosen;
}

/** Says that other candidates bear the same name, and what tells this one apart (its PSA id). */
export function namesakeReason(
  index: MatchIndex,
  organizationId: string,
  all: ReadonlyArray<{ organizationId: string }>,
): string[] {
  const key = nameKeyOf(index, organizationId);
  const same = all.filter((c) => nameKeyOf(index, c.organizationId) === key).length;
  if (same < 2) return [];
  const organization = index.organizations.get(organizationId);
  const apart =
    organization?.psaId === null || organization === undefined ? "" : ` (PSA id ${organization.psaId})`;
  return [`one of ${same} organizations named '${organization?.name ?? organizationId}'${apart}`];
}
