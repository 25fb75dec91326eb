/**
 * `npm run bench`: every benchmark, figures printed (never asserted). Pick some with
 * `npm run bench -- grid matching sync suggestions ui`. PostgreSQL runs use BENCH_DATABASE_URL,
 * DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres (a scratch database each time).
 */
import { existsSync } from "node:fs";
import { benchGrid, type GridFigures, printGridFigures } from "./grid/grid.bench.ts";
import { runMatchingBench } from "./matching/index.ts";

const all = ["grid", "matching", "sync", "suggestions", "ui"];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const selected = wanted.length > 0 ? wanted : all;

async function optional(path: string, exportName: string): Promise<void> {
  const url = new URL(path, import.meta.url);
  if (!existsSync(url)) {
    console.log(`(${path} is not there: skipped)`);
    return;
  }
  const module = (await import(url.href)) as Record<string, () => Promise<unknown>>;
  const run = module[exportName];
  if (typeof run !== "function") throw new Error(`${path} does not export ${exportName}`);
  await run();
}

console.log(`orgmap benchmarks on ${new Date().toISOString()}, Node ${process.version}`);
if (selected.includes("grid")) {
  const figures: GridFigures[] = [];
  for (const kind of ["postgres", "pglite"] as const) figures.push(await benchGrid(kind));
  printGridFigures(figures);
}
if (selected.includes("matching")) await runMatchingBench();
if (selected.includes("sync")) await optional("./sync/sync.bench.ts", "runSyncBench");
if (selected.includes("suggestions")) await optional("./suggestions/freshness.ts", "runSuggestionsBench");
if (selected.includes("ui")) await optional("./ui/grid-ui.bench.ts", "runUiBench");
