import { parentPort, workerData } from "node:worker_threads";
import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { syntheticSet } from "./synthetic.ts";

/** One worker of the full pass: builds its own index and answers every `stride`-th module organization. */
const { organizations, queries, part, stride } = workerData as {
  organizations: number;
  queries: number;
  part: number;
  stride: number;
};
const set = syntheticSet(organizations, queries);
const index = buildMatchIndex({ organizations: set.organizations });
let withTruth = 0;
let top1 = 0;
let answered = 0;
for (let i = part; i < set.queries.length; i += stride) {
  const query = set.queries[i]!;
  const candidates = suggest(index, query, { top: 3 });
  answered++;
  if (query.truth !== null) {
    withTruth++;
    if (candidates[0]?.organizationId === query.truth) top1++;
  }
}
parentPort?.postMessage({ answered, withTruth, top1, maxRssMb: process.resourceUsage().maxRSS / 1024 });
