import type { Writable } from "node:stream";
import { type Command, InvalidArgumentError } from "commander";
import type { Services } from "../services/index.ts";
import { say, withRuntime } from "./runtime.ts";

export type ReconcileFormat = "csv" | "json";

function parseFormat(value: string): ReconcileFormat {
  if (value !== "csv" && value !== "json") throw new InvalidArgumentError("csv or json");
  return value;
}

/**
 * `orgmap reconcile`: the period's reconciliation rows, the same the API and the page show, as CSV
 * (formula-safe, the term in the headers) or JSON (the API's row shape), on stdout. A summary line
 * per state goes to stderr.
 */
export async function runReconcileCommand(
  services: Pick<Services, "reconciliation">,
  options: { period?: string | undefined; format: ReconcileFormat },
  out: Writable,
): Promise<void> {
  const filter = options.period === undefined ? {} : { period: options.period };
  if (options.format === "csv") {
    out.write((await services.reconciliation.csv(filter)).csv);
  } else {
    const { period, rows, currency, locale, organizationTerm } =
      await services.reconciliation.allRows(filter);
    out.write(`${JSON.stringify({ period, currency, locale, organizationTerm, rows }, null, 2)}\n`);
  }
  const summary = await services.reconciliation.summary(filter);
  for (const total of summary.totals) {
    if (total.rows > 0)
      say(`${total.state}: ${total.rows} rows, ${total.units} units, ${total.money} ${summary.currency}`);
  }
}

export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description(
      "print a period's reconciliation rows (what each organization should be billed, and what the PSA bills)",
    )
    .option("--period <YYYY-MM>", "the month, in the instance's time zone (default: the current one)")
    .option("--format <csv|json>", "output format", parseFormat, "csv" as ReconcileFormat)
    .action((options: { period?: string; format: ReconcileFormat }) =>
      withRuntime((_ctx, services) => runReconcileCommand(services, options, process.stdout)),
    );
}
