import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import Fuse from "fuse.js";
import * as fuzz from "fuzzball";
import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { syntheticSet } from "./synthetic.ts";

/** Full-pass figures of our engine. */
export interface FullPassFigures {
  organizations: number;
  moduleOrganizations: number;
  workers: number;
  wallMs: number;
  /** Peak resident memory of the process (all workers share it). */
  peakRssMb: number;
  top1: number;
}

/** One matcher on the small subset the peers can finish. */
export interface PeerFigures {
  matcher: string;
  top1: number;
  perQueryMs: number;
}

/** Every figure of the speed benchmark. */
export interface SpeedFigures {
  fullPass: FullPassFigures[];
  peers: PeerFigures[];
  peerSubset: { organizations: number; queries: number };
}

interface WorkerResult {
  answered: number;
  withTruth: number;
  top1: number;
  maxRssMb: number;
}

/** A full pass split over `workers` threads, each with its own index (the engine is single-threaded). */
async function fullPass(organizations: number, queries: number, workers: number): Promise<FullPassFigures> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from(
      { length: workers },
      (_, part) =>
        new Promise<WorkerResult>((resolve, reject) => {
          const worker = new Worker(new URL("./speed-worker-boot.mjs", import.meta.url), {
            workerData: { organizations, queries, part, stride: workers },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  );
  const wallMs = performance.now() - started;
  const withTruth = results.reduce((n, r) => n + r.withTruth, 0);
  return {
    organizations,
    moduleOrganizations: results.reduce((n, r) => n + r.answered, 0),
    workers,
    wallMs,
    peakRssMb: Math.max(...results.map((r) => r.maxRssMb)),
    top1: results.reduce((n, r) => n + r.top1, 0) / withTruth,
  };
}

function timePeer(
  matcher: string,
  queries: ReadonlyArray<{ name: string; truth: string | null }>,
  best: (name: string) => string | undefined,
): PeerFigures {
  let right = 0;
  let withTruth = 0;
  const started = performance.now();
  for (const query of queries) {
    const id = best(query.name);
    if (query.truth !== null) {
      withTruth++;
      if (id === query.truth) right++;
    }
  }
  return { matcher, top1: right / withTruth, perQueryMs: (performance.now() - started) / queries.length };
}

/** fuse.js, fuzzball and our engine on the same subset (their best candidate vs the truth). */
export function peerComparison(organizations = 2000, queries = 200): SpeedFigures["peers"] {
  const set = syntheticSet(organizations, queries, 99);
  const index = buildMatchIndex({ organizations: set.organizations });
  const fuse = new Fuse(set.organizations, { keys: ["name"], includeScore: true });
  const names = set.organizations.map((o) => o.name);
  return [
    timePeer(
      "orgmap",
      set.queries,
      (name) => suggest(index, { id: "q", name }, { top: 1 })[0]?.organizationId,
    ),
    timePeer("fuse.js", set.queries, (name) => fuse.search(name, { limit: 1 })[0]?.item.id),
    timePeer("fuzzball token_set_ratio", set.queries, (name) => {
      const [hit] = fuzz.extract(name, names, {
        scorer: fuzz.token_set_ratio,
        limit: 1,
        returnObjects: true,
      }) as Array<{
        key: number;
      }>;
      return hit === undefined ? undefined : set.organizations[hit.key]?.id;
    }),
  ];
}

/** The speed benchmark: full pass (1 thread and one per core, at most 2) and the peers. */
export async function runSpeedBench(
  organizations = 50_000,
  moduleOrganizations = 200_000,
): Promise<SpeedFigures> {
  const fullPasses = [await fullPass(organizations, moduleOrganizations, 1)];
  const cores = Math.min(2, cpus().length);
  if (cores > 1) fullPasses.push(await fullPass(organizations, moduleOrganizations, cores));
  return {
    fullPass: fullPasses,
    peers: peerComparison(),
    peerSubset: { organizations: 2000, queries: 200 },
  };
}

/** A plain-text table of speed figures. */
export function formatSpeed(figures: SpeedFigures): string {
  const lines = [
    "full pass                          workers  wall (s)  peak RSS (MB)  top-1   (targets: < 10 s, < 1536 MB)",
  ];
  for (const f of figures.fullPass) {
    const label = `${f.moduleOrganizations} x ${f.organizations}`;
    lines.push(
      `${label.padEnd(34)} ${String(f.workers).padStart(7)}  ${(f.wallMs / 1000).toFixed(2).padStart(8)}  ${f.peakRssMb.toFixed(0).padStart(13)}  ${f.top1.toFixed(3)}`,
    );
  }
  const { organizations, queries } = figures.peerSubset;
  lines.push("", `peers on ${queries} queries x ${organizations} organizations   top-1   ms/query`);
  for (const p of figures.peers) {
    lines.push(`${p.matcher.padEnd(40)} ${p.top1.toFixed(3)}  ${p.perQueryMs.toFixed(3).padStart(8)}`);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatSpeed(await runSpeedBench()));
}
