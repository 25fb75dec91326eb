/**
 * Reads orgmap's misses one by one, development part only (the held-out fifth of the identities is for
 * measuring): for each module organization whose true organization orgmap does not accept (or that it
 * accepts wrongly), orgmap's top 3 (score, accept, first reason) beside the reference's top 3 (cosine).
 * `npx tsx bench/matching/misses.ts [patstat|companies|parks|vaUniv ...] [--false] [--top3]`
 */
import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { companiesSet, type LabeledSet, patstatSet } from "./datasets.ts";
import { isHeldOut } from "./quality.ts";
import { ReferenceMatcher } from "./reference.ts";
import { parksSet, vaUnivSet } from "./secondstring.ts";

const SETS: Record<string, () => LabeledSet> = {
  patstat: patstatSet,
  companies: companiesSet,
  parks: parksSet,
  vaUniv: vaUnivSet,
};

function main(): void {
  const args = process.argv.slice(2);
  const wanted = args.filter((a) => !a.startsWith("--"));
  const onlyFalse = args.includes("--false");
  const onlyTop3 = args.includes("--top3");
  for (const [name, make] of Object.entries(SETS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const set = make();
    const names = new Map(set.organizations.map((o) => [o.id, o.name]));
    const index = buildMatchIndex({ organizations: set.organizations });
    const reference = new ReferenceMatcher(set.organizations);
    let count = 0;
    for (const query of set.queries) {
      if (isHeldOut(set.name, query.group ?? query.id)) continue;
      const candidates = suggest(index, { id: "q", name: query.name }, { top: 3 });
      const best = candidates[0];
      const isFalse = best?.accept === true && best.organizationId !== query.truth;
      const isUnaccepted =
        query.truth !== null && !(best?.accept === true && best.organizationId === query.truth);
      const isOutOfTop3 = query.truth !== null && !candidates.some((c) => c.organizationId === query.truth);
      if (onlyFalse ? !isFalse : onlyTop3 ? !isOutOfTop3 : !(isFalse || isUnaccepted)) continue;
      count++;
      console.log(
        `\n[${name}] ${isFalse ? "FALSE ACCEPT" : isOutOfTop3 ? "NOT IN TOP 3" : "not accepted"}: '${query.name}' -> true '${query.truth === null ? "(none)" : names.get(query.truth)}'`,
      );
      for (const c of candidates)
        console.log(
          `  orgmap ${c.score.toFixed(3)}${c.accept ? " ACCEPT" : ""}${c.organizationId === query.truth ? " *" : ""} '${names.get(c.organizationId)}' -- ${c.reasons.slice(0, 2).join("; ")}`,
        );
      for (const h of reference.search(query.name, 3))
        console.log(
          `  ref    ${h.cosine.toFixed(3)}${h.id === query.truth ? " *" : ""} '${names.get(h.id)}'`,
        );
    }
    console.log(`\n[${name}] ${count} listed`);
  }
}

main();
