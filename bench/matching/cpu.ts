/**
 * CPU time of the engine on one thread (`process.cpuUsage`): building the index of the synthetic
 * organizations and one `suggest` per module organization. Less sensitive to other jobs on a shared
 * machine than wall time. `npx tsx bench/matching/cpu.ts [organizations] [module organizations]`.
 */
import { loadavg } from "node:os";
import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { syntheticSet } from "./synthetic.ts";

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export function runCpuBench(organizations = 50_000, queries = 10_000) {
  const set = syntheticSet(organizations, queries, 5);
  let started = process.cpuUsage();
  const index = buildMatchIndex({ organizations: set.organizations });
  const buildMs = cpuMs(started);
  started = process.cpuUsage();
  for (const query of set.queries) suggest(index, query, { top: 3 });
  const perQueryUs = (cpuMs(started) * 1000) / set.queries.length;
  return { organizations, queries, buildMs, perQueryUs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [orgs, queries] = process.argv.slice(2).map(Number);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const f = runCpuBench(orgs || undefined, queries || undefined);
  console.log(
    `${f.queries} x ${f.organizations}: index build ${f.buildMs.toFixed(0)} ms CPU, ${f.perQueryUs.toFixed(0)} us CPU per suggest (load average before: ${load})`,
  );
}
