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
  let scoreByName: Map<string, number> | undefined;
  const end = Math.min(scored.length, top + MAX_NAMESAKES);
  for (let i = top; i < end; i++) {
    const other = scored[i] as T;
    // Only a candidate with the score of one in the top can be its namesake: names are compared then.
    let sameScore = false;
    for (let k = 0; k < top && !sameScore; k++) sameScore = (scored[k] as T).score === other.score;
    if (!sameScore) continue;
    scoreByName ??= new Map(
      scored.slice(0, top).map((c) => [nameKeyOf(index, c.organizationId), c.score] as const),
    );
    if (scoreByName.get(nameKeyOf(index, other.organizationId)) === other.score) chosen.push(other);
  }
  return chosen;
}

/** {@link namesakeReason} of each of `all`, their names looked up once. */
export function namesakeReasons(
  index: MatchIndex,
  all: ReadonlyArray<{ organizationId: string }>,
): string[][] {
  const keys = all.map((c) => nameKeyOf(index, c.organizationId));
  return all.map(({ organizationId }, i) => {
    const key = keys[i];
    let same = 0;
    for (const other of keys) if (other === key) same++;
    return same < 2 ? [] : namesakeNote(index, organizationId, same);
  });
}

function namesakeNote(index: MatchIndex, organizationId: string, same: number): string[] {
  const organization = index.organizations.get(organizationId);
  const apart =
    organization?.psaId === null || organization === undefined ? "" : ` (PSA id ${organization.psaId})`;
  return [`one of ${same} organizations named '${organization?.name ?? organizationId}'${apart}`];
}

/** Says that other candidates bear the same name, and what tells this one apart (its PSA id). */
export function namesakeReason(
  index: MatchIndex,
  organizationId: string,
  all: ReadonlyArray<{ organizationId: string }>,
): string[] {
  const key = nameKeyOf(index, organizationId);
  const same = all.filter((c) => nameKeyOf(index, c.organizationId) === key).length;
  return same < 2 ? [] : namesakeNote(index, organizationId, same);
}
