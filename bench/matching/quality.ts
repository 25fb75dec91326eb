import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { companiesSet, type LabeledSet, patstatSet } from "./datasets.ts";

/** Figures of one labeled set (see bench/matching/README.md for the method). */
export interface QualityFigures {
  dataset: string;
  organizations: number;
  queries: number;
  withTruth: number;
  accepted: number;
  acceptedCorrect: number;
  /** Accepted suggestions that are right / accepted suggestions. Target >= 0.99. */
  precision: number;
  /** True matches accepted / module organizations that have a true organization. Target >= 0.90. */
  acceptedRecall: number;
  /** True organization among the top 3 / module organizations that have one. Target >= 0.98. */
  top3: number;
  /** Top-1 right (or nothing proposed for one with no true organization) / all. */
  top1: number;
  /** Up to 10 misses, for reading. */
  misses: string[];
}

/** Runs the engine over one labeled set and measures it. */
export function measureQuality(set: LabeledSet): QualityFigures {
  const index = buildMatchIndex({ organizations: set.organizations });
  const names = new Map(set.organizations.map((o) => [o.id, o.name]));
  let withTruth = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  let top3 = 0;
  let top1 = 0;
  const misses: string[] = [];
  for (const query of set.queries) {
    const candidates = suggest(index, { id: query.id, name: query.name }, { top: 3 });
    const best = candidates[0];
    if (query.truth !== null) withTruth++;
    if (best?.accept) {
      accepted++;
      if (best.organizationId === query.truth) acceptedCorrect++;
      else if (misses.length < 10)
        misses.push(`accepted '${query.name}' -> '${names.get(best.organizationId)}'`);
    }
    if (query.truth !== null && candidates.some((c) => c.organizationId === query.truth)) top3++;
    else if (query.truth !== null && misses.length < 10) {
      misses.push(`not in top 3: '${query.name}' (true '${names.get(query.truth)}')`);
    }
    if ((best?.organizationId ?? null) === query.truth || (query.truth === null && !best?.accept)) top1++;
  }
  return {
    dataset: set.name,
    organizations: set.organizations.length,
    queries: set.queries.length,
    withTruth,
    accepted,
    acceptedCorrect,
    precision: accepted === 0 ? 1 : acceptedCorrect / accepted,
    acceptedRecall: withTruth === 0 ? 0 : acceptedCorrect / withTruth,
    top3: withTruth === 0 ? 0 : top3 / withTruth,
    top1: top1 / set.queries.length,
    misses,
  };
}

/** Both data sets, measured. */
export function runQualityBench(): QualityFigures[] {
  return [measureQuality(patstatSet()), measureQuality(companiesSet())];
}

function fmt(x: number): string {
  return x.toFixed(3);
}

/** A plain-text table of quality figures. */
export function formatQuality(figures: readonly QualityFigures[]): string {
  const lines = [
    "dataset    orgs  queries  precision  accepted-recall  top3   (targets: >=0.99, >=0.90, >=0.98)",
  ];
  for (const f of figures) {
    lines.push(
      `${f.dataset.padEnd(10)} ${String(f.organizations).padStart(5)} ${String(f.queries).padStart(8)}  ${fmt(f.precision).padStart(9)}  ${fmt(f.acceptedRecall).padStart(15)}  ${fmt(f.top3)}`,
    );
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = runQualityBench();
  console.log(formatQuality(figures));
  if (process.argv.includes("--misses"))
    for (const f of figures) console.log(`\n${f.dataset}:\n  ${f.misses.join("\n  ")}`);
}
