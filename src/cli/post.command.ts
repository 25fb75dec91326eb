import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { cliActor } from "../domain/actor.ts";
import type { PostingSummary } from "../services/billing/posting/posting.service.ts";
import { say, withRuntime } from "./runtime.ts";

function parsePeriod(value: string): string {
  if (!/^\d{4}-\d{2}$/.test(value)) throw new InvalidArgumentError("a period as YYYY-MM");
  return value;
}

function progressBar(label: string) {
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label.padEnd(16)} [{bar}] {value}/{total} contract services`,
    hideCursor: true,
    clearOnComplete: false,
    barCompleteChar: "#",
    barIncompleteChar: "-",
  });
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** What a run did (or would do), for a person: totals with money, then each line that is not "same". */
function report(summary: PostingSummary, dryRun: boolean): string[] {
  const out = [
    `${summary.moduleKey} ${summary.periodKey}: ${dryRun ? "preview" : summary.outcome}, ${summary.requestCount} PSA requests`,
  ];
  for (const total of summary.totals) {
    if (total.rows > 0)
      out.push(
        `  ${total.action.padEnd(7)} ${String(total.rows).padStart(6)} rows, ${total.units} units, ${total.money}`,
      );
  }
  if (!dryRun) {
    const c = summary.counts;
    out.push(
      `  posted ${c.posted} (+${c.postedByReadBack} confirmed by read-back), held ${c.held}, failed ${c.failed}, unchanged ${c.same}, busy ${c.busy}, not reached ${c.notReached}`,
    );
  }
  if (summary.outcome === "budget_reached")
    out.push("  the hourly request budget is spent: the next run goes on from here");
  for (const line of summary.lines.filter((l) => l.action !== "same")) {
    const change = line.unitChange > 0 ? `+${line.unitChange}` : String(line.unitChange);
    out.push(
      `  ${line.action.padEnd(6)} ${line.organizationName} / ${line.serviceName ?? line.billingType}: ${line.unitsBefore ?? "?"} -> ${line.unitsAfter ?? "?"} (${change}${line.money === null ? "" : `, ${line.money}`})${line.reason ? ` ${line.reason}` : ""}`,
    );
  }
  return out;
}

/** `orgmap post [moduleKey] [--dry-run] [--period YYYY-MM]`: a posting run per module, with a progress bar. */
export function registerPostCommand(program: Command): void {
  program
    .command("post [moduleKey]")
    .description(
      "post the differences to the PSA (rule 15) for a module, or every module whose posting is on; --dry-run previews",
    )
    .option("--dry-run", "read the PSA and show what would be posted, with the money; post nothing")
    .option("--period <period>", "the billing period YYYY-MM (default: the current one)", parsePeriod)
    .action((moduleKey: string | undefined, options: { dryRun?: boolean; period?: string }) =>
      withRuntime(async (_ctx, services) => {
        const switches = await services.posting.switches();
        const keys = moduleKey
          ? [moduleKey]
          : switches.filter((s) => options.dryRun || s.isEnabled).map((s) => s.moduleKey);
        if (keys.length === 0)
          say("no module has posting turned on (orgmap posts nothing until an admin does)");
        let failed = false;
        for (const key of keys) {
          const bar = progressBar(key);
          try {
            const summary = options.dryRun
              ? await services.posting.preview(key, options.period, (done, total) => bar.update(done, total))
              : await services.posting.post(cliActor, key, {
                  trigger: "cli",
                  ...(options.period ? { periodKey: options.period } : {}),
                  onProgress: (done, total) => bar.update(done, total),
                });
            bar.stop();
            for (const line of report(summary, options.dryRun === true)) process.stdout.write(`${line}\n`);
            if (summary.outcome === "failed") failed = true;
          } finally {
            bar.stop();
          }
        }
        if (failed) process.exitCode = 1;
      }),
    );
}
