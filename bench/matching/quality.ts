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

/** Runs one matcher over a set; `precision` is orgmap's, for the threshold sweep. */
function measure(set: LabeledSet, ranker: NamedRanker, precision: number, misses?: string[]) {
  const names = new Map(set.organizations.map((o) => [o.id, o.name]));
  let withTruth = 0;
  let top1 = 0;
  let top3 = 0;
  let accepted = 0;
  let acceptedRight = 0;
  const answers: Array<{ score: number; right: boolean }> = [];
  for (const query of set.queries) {
    const ranked: Ranked = ranker.rank(query.name);
    const best = ranked.ids[0];
    if (best !== undefined) answers.push({ score: ranked.score, right: best === query.truth });
    if (ranked.accept === true) {
      accepted++;
      if (best === query.truth) acceptedRight++;
      else if (misses !== undefined && misses.length < 10)
        misses.push(`accepted '${query.name}' -> '${names.get(best ?? "")}'`);
    }
    if (query.truth === null) continue;
    withTruth++;
    if (best === query.truth) top1++;
    if (ranked.ids.includes(query.truth)) top3++;
    else if (misses !== undefined && misses.length < 10)
      misses.push(`not in top 3: '${query.name}' (true '${names.get(query.truth)}')`);
  }
  const isDeciding = ranker.matcher === "orgmap";
  return {
    figures: {
      matcher: ranker.matcher,
      top1: top1 / Math.max(1, withTruth),
      top3: top3 / Math.max(1, withTruth),
      precision: isDeciding ? (accepted === 0 ? 1 : acceptedRight / accepted) : null,
      acceptedRecall: isDeciding ? acceptedRight / Math.max(1, withTruth) : null,
      recallAtOrgmapPrecision: recallAtPrecision(answers, withTruth, precision),
    } satisfies MatcherFigures,
    withTruth,
  };
}

/** orgmap, then the reference and the peers judged at orgmap's precision. */
export function measureQuality(set: LabeledSet, peers = true): QualityFigures {
  const [orgmap, ...others] = allRankers(set.organizations, peers) as [NamedRanker, ...NamedRanker[]];
  const misses: string[] = [];
  const first = measure(set, orgmap, 1, misses);
  const precision = first.figures.precision ?? 1;
  first.figures.recallAtOrgmapPrecision = measure(set, orgmap, precision).figures.recallAtOrgmapPrecision;
  return {
    dataset: set.name,
    organizations: set.organizations.length,
    queries: set.queries.length,
    withTruth: first.withTruth,
    matchers: [first.figures, ...others.map((r) => measure(set, r, precision).figures)],
    misses,
  };
}

/** Every labeled set, measured. */
export function runQualityBench(peers = true): QualityFigures[] {
  return [patstatSet(), companiesSet(), parksSet(), vaUnivSet()].map((set) => measureQuality(set, peers));
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
  const figures = runQualityBench(!process.argv.includes("--no-peers"));
  console.log(formatQuality(figures));
  if (process.argv.includes("--misses"))
    for (const f of figures) console.log(`\n${f.dataset}:\n  ${f.misses.join("\n  ")}`);
}
