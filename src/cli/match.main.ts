import { Command } from "commander";
import { registerMatchCommand } from "./match.program.ts";
import { runProgram } from "./run-program.ts";

/** The CLI for `orgmap match` alone (see `bin/orgmap.js`): the same command as in `main.ts`. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("orgmap").showHelpAfterError();
  registerMatchCommand(program);
  return runProgram(program, argv);
}
