/**
 * `orgmap match` end to end: process start, reading both CSVs, answering, writing the CSV answer.
 * Writes 50,000 organizations and 200,000 module organizations of the synthetic generator (seeded) to
 * a scratch directory, runs `node bin/orgmap.js match` under `/usr/bin/time`, and prints wall time,
 * CPU time (user + system, all threads: the fairer figure on a shared machine), peak RSS and load.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "csv-stringify/sync";
import { syntheticSet } from "./synthetic.ts";

export interface CliFigures {
  organizations: number;
  moduleOrganizations: number;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  load: string;
}

/** Writes the two CSV files (once per size) and answers their paths. */
function writeCsvs(organizations: number, moduleOrganizations: number): { orgs: string; mods: string } {
  const dir = join(tmpdir(), `orgmap-match-bench-${organizations}-${moduleOrganizations}`);
  mkdirSync(dir, { recursive: true });
  const set = syntheticSet(organizations, moduleOrganizations);
  const orgs = join(dir, "organizations.csv");
  const mods = join(dir, "module-organizations.csv");
  writeFileSync(orgs, stringify([["id", "name"], ...set.organizations.map((o) => [o.id, o.name])]));
  writeFileSync(mods, stringify([["id", "name"], ...set.queries.map((q) => [q.id, q.name])]));
  return { orgs, mods };
}

/** One timed run of `orgmap match` over the files; its answer goes to /dev/null. */
export function runCliSpeed(organizations = 50_000, moduleOrganizations = 200_000): CliFigures {
  const { orgs, mods } = writeCsvs(organizations, moduleOrganizations);
  const bin = fileURLToPath(new URL("../../bin/orgmap.js", import.meta.url));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const run = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "%e %U %S %M",
      "sh",
      "-c",
      `node "${bin}" match --organizations "${orgs}" --module-organizations "${mods}" > /dev/null`,
    ],
    { encoding: "utf8" },
  );
  const last = run.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, system, rssKb] = last.split(" ").map(Number);
  if (run.status !== 0 || wall === undefined || Number.isNaN(wall))
    throw new Error(`orgmap match failed: ${run.stderr}`);
  return {
    organizations,
    moduleOrganizations,
    wallS: wall,
    cpuS: (user ?? 0) + (system ?? 0),
    peakRssMb: (rssKb ?? 0) / 1024,
    load,
  };
}

export function formatCliSpeed(f: CliFigures): string {
  return [
    "orgmap match end to end          wall (s)  CPU (s)  peak RSS (MB)  load average before (targets: <= 5 s, <= 1024 MB)",
    `${`${f.moduleOrganizations} x ${f.organizations}`.padEnd(32)} ${f.wallS.toFixed(2).padStart(8)}  ${f.cpuS.toFixed(2).padStart(7)}  ${f.peakRssMb.toFixed(0).padStart(13)}  ${f.load}`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [orgs, mods] = process.argv.slice(2).map(Number);
  console.log(formatCliSpeed(runCliSpeed(orgs || undefined, mods || undefined)));
}
