import { companiesSet, type LabeledSet, patstatSet } from "./datasets.ts";
import { allRankers, type NamedRanker, type Ranked } from "./rankers.ts";
import { parksSet, vaUnivSet } from "./secondstring.ts";

/** One matcher's figures on one labeled set (see bench/matching/README.md for the method). */
export interface MatcherFigures {
  matcher: string;
  /** Best candidate right / module organizations that have a true organization. */
  top1: number;
  /** True organization among the top 3 / module organizations that have one. */
  top3: number;
  /** orgmap only: accepted suggestions that are right / accepted suggestions. */
  precision: number | null;
  /** orgmap only: right accepted suggestions / module organizations that have a true organization. */
  acceptedRecall: number | null;
  /** Best recall a threshold on the matcher's own top score reaches at orgmap's precision or better. */
  recallAtOrgmapPrecision: number;
}

export interface QualityFigures {
  dataset: string;
  organizations: number;
  queries: number;
  withTruth: number;
  matchers: MatcherFigures[];
  /** Up to 10 orgmap misses, for reading. */
  misses: string[];
}

/** Sweeps a threshold over the top scores: the best recall whose precision is at least `precision`. */
export function recallAtPrecision(
  answers: ReadonlyArray<{ score: number; right: boolean }>,
  withTruth: number,
  precision: number,
): number {
  const sorted = [...answers].sort((a, b) => b.score - a.score);
  let accepted = 0;
  let right = 0;
  let best = 0;
  sorted.forEach((answer, i) => {
    accepted++;
    if (answer.right) right++;
    const boundary = i + 1 === sorted.length || (sorted[i + 1] as { score: number }).score < answer.score;
    if (boundary && right / accepted >= precision - 1e-9) best = Math.max(best, right / withTruth);
  });
  return best;
}

/** Which part of a set a query belongs to: a seeded fifth of the identities is held out from development. */
export type Part = "all" | "dev" | "held-out";

/** FNV-1a of the set's name and the query's identity: a seeded fifth of the identities is held out. */
export function isHeldOut(setName: string, group: string, seed = 12): boolean {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of `${setName}/${group}`) h = Math.imul(h ^ (ch.codePointAt(0) as number), 0x01000193) >>> 0;
  return h % 5 === 0;
}

interface Answer {
  truth: string | null;
  ids: string[];
  score: number;
  accept: boolean;
  heldOut: boolean;
  name: string;
}

/** Runs one matcher over every query of a set. */
function rankAll(set: LabeledSet, ranker: NamedRanker): Answer[] {
  return set.queries.map((query) => {
    const ranked: Ranked = ranker.rank(query.name);
    return {
      truth: query.truth,
      ids: ranked.ids,
      score: ranked.score,
      accept: ranked.accept === true,
      heldOut: isHeldOut(set.name, query.group ?? query.id),
      name: query.name,
    };
  });
}

const inPart = (part: Part) => (a: Answer) =>
  part === "all" || (part === "held-out" ? a.heldOut : !a.heldOut);

/** One matcher's figures on one part; `precision` is orgmap's, for the threshold sweep. */
function figuresOf(matcher: string, answers: readonly Answer[], precision: number): MatcherFigures {
  let withTruth = 0;
  let top1 = 0;
  let top3 = 0;
  let accepted = 0;
  let acceptedRight = 0;
  const sweep: Array<{ score: number; right: boolean }> = [];
  for (const a of answers) {
    const best = a.ids[0];
    if (best !== undefined) sweep.push({ score: a.score, right: best === a.truth });
    if (a.accept) {
      accepted++;
      if (best === a.truth) acceptedRight++;
    }
    if (a.truth === null) continue;
    withTruth++;
    if (best === a.truth) top1++;
    if (a.ids.includes(a.truth)) top3++;
  }
  const isDeciding = matcher === "orgmap";
  return {
    matcher,
    top1: top1 / Math.max(1, withTruth),
    top3: top3 / Math.max(1, withTruth),
    precision: isDeciding ? (accepted === 0 ? 1 : acceptedRight / accepted) : null,
    acceptedRecall: isDeciding ? acceptedRight / Math.max(1, withTruth) : null,
    recallAtOrgmapPrecision: recallAtPrecision(sweep, withTruth, precision),
  };
}

/** orgmap, then the reference and the peers judged at orgmap's precision, on each part of the set. */
export function measureQuality(
  set: LabeledSet,
  peers = true,
  parts: readonly Part[] = ["all"],
): QualityFigures[] {
  const rankers = allRankers(set.organizations, peers);
  const answers = rankers.map((r) => rankAll(set, r));
  const names = new Map(set.organizations.map((o) => [o.id, o.name]));
  return parts.map((part) => {
    const mine = (answers[0] as Answer[]).filter(inPart(part));
    const precision = figuresOf("orgmap", mine, 1).precision ?? 1;
    const misses: string[] = [];
    // Misses are listed from the development part only: the held-out part is for measuring.
    if (part !== "held-out")
      for (const a of mine.filter((x) => !x.heldOut)) {
        if (misses.length >= 10) break;
        const best = a.ids[0];
        if (a.accept && best !== a.truth) misses.push(`accepted '${a.name}' -> '${names.get(best ?? "")}'`);
        else if (a.truth !== null && !a.ids.includes(a.truth))
          misses.push(`not in top 3: '${a.name}' (true '${names.get(a.truth)}')`);
      }
    return {
      dataset: part === "all" ? set.name : `${set.name} (${part})`,
      organizations: set.organizations.length,
      queries: mine.length,
      withTruth: mine.filter((a) => a.truth !== null).length,
      matchers: rankers.map((r, i) =>
        figuresOf(r.matcher, (answers[i] as Answer[]).filter(inPart(part)), precision),
      ),
      misses,
    };
  });
}

/** Every labeled set, measured on each part. */
export function runQualityBench(peers = true, parts: readonly Part[] = ["all"]): QualityFigures[] {
  return [patstatSet(), companiesSet(), parksSet(), vaUnivSet()].flatMap((set) =>
    measureQuality(set, peers, parts),
  );
}

function fmt(x: number | null): string {
  return x === null ? "-" : x.toFixed(3);
}

/** A markdown table of quality figures, one row per set and matcher. */
export function formatQuality(figures: readonly QualityFigures[]): string {
  const lines = [
    "| set | orgs | module orgs (with truth) | matcher | top-1 | top-3 | precision | accepted recall | recall at orgmap's precision |",
    "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const f of figures) {
    for (const m of f.matchers) {
      lines.push(
        `| ${f.dataset} | ${f.organizations} | ${f.queries} (${f.withTruth}) | ${m.matcher} | ${fmt(m.top1)} | ${fmt(m.top3)} | ${fmt(m.precision)} | ${fmt(m.acceptedRecall)} | ${fmt(m.recallAtOrgmapPrecision)} |`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const parts: Part[] = process.argv.includes("--parts") ? ["all", "dev", "held-out"] : ["all"];
  const figures = runQualityBench(!process.argv.includes("--no-peers"), parts);
  console.log(formatQuality(figures));
  if (process.argv.includes("--misses"))
    for (const f of figures) console.log(`\n${f.dataset}:\n  ${f.misses.join("\n  ")}`);
}
