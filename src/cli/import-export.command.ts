import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { cliActor } from "../domain/actor.ts";
import { ImportExportService } from "../services/import-export.service.ts";
import { say, withRuntime } from "./runtime.ts";

/** `orgmap export` and `orgmap import FILE [--apply]`. */
export function registerImportExportCommands(program: Command): void {
  program
    .command("export")
    .description(
      "write every mapping as CSV (moduleKey, moduleExternalId, moduleOrganizationName, organizationPsaId, organizationName)",
    )
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action((options: { output?: string }) =>
      withRuntime(async (ctx) => {
        const csv = await new ImportExportService(ctx).exportCsv();
        if (options.output) writeFileSync(options.output, csv);
        else process.stdout.write(csv);
      }),
    );

  program
    .command("import <file>")
    .description("check a mapping CSV (dry run, a report per row); --apply applies all of it or nothing")
    .option("--apply", "apply the file (refused when any row has an error)")
    .action((file: string, options: { apply?: boolean }) =>
      withRuntime(async (ctx) => {
        const text = readFileSync(file, "utf8");
        const result = await new ImportExportService(ctx).importCsv(cliActor, text, {
          apply: options.apply === true,
        });
        for (const row of result.report) {
          say(
            `line ${row.line}: ${row.action.padEnd(9)} ${row.moduleKey}/${row.moduleExternalId}: ${row.message}`,
          );
        }
        say(
          `${result.rows} rows, ${result.changes} changes, ${result.errors} errors: ${
            result.applied
              ? "applied"
              : options.apply
                ? "NOT applied (fix the errors first)"
                : "dry run, nothing changed (use --apply)"
          }`,
        );
        if (options.apply && !result.applied) process.exitCode = 1;
      }),
    );
}
