/**
 * Posting (issue 10): POSTING_BENCH_COUNT (default 5,000) contract services, each off by a few
 * units, posted against the emulated Autotask (no artificial latency) on PGlite and PostgreSQL.
 * Prints the time, the PSA requests per posting (target <= 2: one read-back per 200 contract
 * services, one create each) and the peak RSS (the emulator runs in the same process).
 *
 *   node --import tsx bench/billing/posting.bench.ts [pglite,postgres]
 */

import { DEFAULT_POSTING_CONFIG } from "../../src/db/posting.repository.ts";
import { repositories } from "../../src/db/repositories.ts";
import { systemActor } from "../../src/domain/actor.ts";
import { runPostingEngine } from "../../src/services/billing/posting/posting-engine.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
  PERIOD,
} from "../../test/vendors/autotask-adjustments.fixtures.ts";
import { benchContext, fmt, openBenchDatabase } from "../support.ts";

const COUNT = Number(process.env.POSTING_BENCH_COUNT ?? 5_000);
const kinds = (process.argv[2] ?? "pglite,postgres").split(",") as ("pglite" | "postgres")[];

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

for (const kind of kinds) {
  const database = await openBenchDatabase(kind);
  const ctx = benchContext(database);
  await repositories(ctx.db).modules.insert({ key: "rmm", name: "RMM", createdAt: new Date() });
  const data = contractsWith(Array.from({ length: COUNT }, (_, i) => 10 + (i % 7)));
  const server = await emulator(data);
  const wanted = Array.from({ length: COUNT }, (_, i) => candidate("rmm", i, 12 + (i % 5)));
  const psa = client(server.url, {}, { totalTimeoutMs: 3_600_000, requestTimeoutMs: 30_000 });
  peak = process.memoryUsage().rss;
  const started = performance.now();
  const result = await runPostingEngine(
    {
      ctx,
      actor: systemActor("bench"),
      psa,
      owner: "bench",
      leaseMs: 60_000,
      settleAfterMs: 0,
      config: { ...DEFAULT_POSTING_CONFIG, hourlyRequestBudget: 10_000, approvalSharePercent: 100 },
      timeZone: "UTC",
      runId: null,
      mode: "post",
    },
    "rmm",
    PERIOD,
    wanted,
  );
  const ms = performance.now() - started;
  const postings = result.counts.posted + result.counts.postedByReadBack;
  console.log(
    `${database.label}: ${COUNT} contract services, ${postings} postings, ${result.counts.same} unchanged, ${fmt(ms)}, ` +
      `${result.requestCount} requests (${(result.requestCount / Math.max(postings, 1)).toFixed(3)} per posting), ` +
      `peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB, outcome ${result.outcome}`,
  );
  await server.close();
  await database.dispose();
}
clearInterval(sampler);
