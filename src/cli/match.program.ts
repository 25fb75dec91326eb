import { type Command, InvalidArgumentError } from "commander";

function parseTop(value: string): number {
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1 || top > 100) throw new InvalidArgumentError("a whole number 1-100");
  return top;
}

/**
 * `orgmap match`: no database, so it loads only the matching engine (imported when the command
 * runs). `bin/orgmap.js` starts it through `match.main.ts`, which skips loading the whole app:
 * about 2 s of process start on this 2-core machine.
 */
export function registerMatchCommand(program: Command): void {
  program
    .command("match")
    .description(
      "suggest organizations for module organizations from two CSV files (no database); CSV to stdout",
    )
    .requiredOption("--organizations <file>", "CSV with id,name[,type][,psaId]")
    .requiredOption("--module-organizations <file>", "CSV with id,name[,parentId][,psaId]")
    .option("--top <n>", "candidates per module organization (default 3)", parseTop)
    .action(async (options: { organizations: string; moduleOrganizations: string; top?: number }) => {
      const { runMatchCommand } = await import("./match.command.ts");
      await runMatchCommand(
        {
          organizationsPath: options.organizations,
          moduleOrganizationsPath: options.moduleOrganizations,
          ...(options.top !== undefined ? { top: options.top } : {}),
        },
        process.stdout,
      );
    });
}
