/**
 * Issue 12 item 4: what users' confirmations teach. On each labeled set, a seeded fifth of the module
 * organizations that have a true organization is confirmed by users (another module's mapping of the
 * same name); orgmap is then measured on the other module organizations three ways: no confirmations,
 * confirmations without word learning (their names are evidence only), and with word learning.
 */
import { buildMatchIndex, type MatchIndexInput, suggest } from "../../src/matching/engine.ts";
import { companiesSet, type LabeledSet, patstatSet, seededRandom } from "./datasets.ts";
import { parksSet, vaUnivSet } from "./secondstring.ts";

interface LearningRow {
  dataset: string;
  confirmed: number;
  asked: number;
  withTruth: number;
  how: string;
  precision: number;
  acceptedRecall: number;
  top3: number;
  learnedWords: number;
}

function measure(set: LabeledSet, seed: number): LearningRow[] {
  const random = seededRandom(seed);
  const confirmedQueries: LabeledSet["queries"] = [];
  const asked: LabeledSet["queries"] = [];
  for (const query of set.queries)
    (query.truth !== null && random() < 0.2 ? confirmedQueries : asked).push(query);
  const confirmed = confirmedQueries.map((q) => ({
    moduleKey: "users",
    moduleOrganizationId: q.id,
    name: q.name,
    organizationId: q.truth as string,
  }));
  const ways: Array<[string, MatchIndexInput]> = [
    ["no confirmations", { organizations: set.organizations }],
    ["confirmed names, no learning", { organizations: set.organizations, confirmed, learnWords: false }],
    ["confirmed names and learned words", { organizations: set.organizations, confirmed }],
  ];
  return ways.map(([how, input]) => {
    const index = buildMatchIndex(input);
    let accepted = 0;
    let right = 0;
    let withTruth = 0;
    let top3 = 0;
    for (const query of asked) {
      const candidates = suggest(index, { id: query.id, name: query.name, moduleKey: "rmm" }, { top: 3 });
      const best = candidates[0];
      if (best?.accept) {
        accepted++;
        if (best.organizationId === query.truth) right++;
      }
      if (query.truth === null) continue;
      withTruth++;
      if (candidates.slice(0, 3).some((c) => c.organizationId === query.truth)) top3++;
    }
    return {
      dataset: set.name,
      confirmed: confirmed.length,
      asked: asked.length,
      withTruth,
      how,
      precision: accepted === 0 ? 1 : right / accepted,
      acceptedRecall: right / Math.max(1, withTruth),
      top3: top3 / Math.max(1, withTruth),
      learnedWords: index.learned.size,
    };
  });
}

export function runLearningBench(): LearningRow[] {
  return [patstatSet(), companiesSet(), parksSet(), vaUnivSet()].flatMap((set) => measure(set, 31));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    "| set | confirmed | asked (with truth) | orgmap with | precision | accepted recall | top-3 | words with a learned equivalent |",
  );
  console.log("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const r of runLearningBench())
    console.log(
      `| ${r.dataset} | ${r.confirmed} | ${r.asked} (${r.withTruth}) | ${r.how} | ${r.precision.toFixed(3)} | ${r.acceptedRecall.toFixed(3)} | ${r.top3.toFixed(3)} | ${r.learnedWords} |`,
    );
}
