/**
 * `npm run bench`: every benchmark, figures printed (never asserted). Pick some with
 * `npm run bench -- grid matching sync suggestions ui billing`. Each benchmark runs in a process of its own,
 * so its memory figures are its own. PostgreSQL runs use BENCH_DATABASE_URL, DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/postgres (a scratch database each time).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS: Record<string, string[]> = {
  grid: ["grid/grid.bench.ts"],
  matching: ["matching/quality.ts", "matching/speed.ts"],
  sync: ["sync/sync.bench.ts"],
  suggestions: ["suggestions/freshness.ts"],
  ui: ["ui/grid-ui.bench.ts"],
  billing: ["billing/ledger.bench.ts", "billing/sync-usage.bench.ts", "billing/reconcile.bench.ts"],
  posting: ["billing/posting.bench.ts"],
  alerts: ["alerts/latency.bench.ts"],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? wanted : Object.keys(BENCHMARKS);

console.log(`orgmap benchmarks on ${new Date().toISOString()}, Node ${process.version}`);
let failed = 0;
for (const name of selected) {
  for (const file of BENCHMARKS[name] ?? []) {
    console.log(`\n== ${name}: bench/${file}`);
    const path = fileURLToPath(new URL(file, import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", path], { stdio: "inherit" });
    if (result.status !== 0) {
      failed++;
      console.error(`bench/${file} ended with ${result.status ?? result.signal}`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
