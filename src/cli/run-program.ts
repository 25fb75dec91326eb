import type { Command } from "commander";
import { isAppError } from "../domain/errors.ts";
import { say } from "./say.ts";

/** Runs a CLI program; returns the exit code. Errors print as one clear line, never a stack for bad input. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (isAppError(error)) say(`error: ${error.message}${error.field ? ` (${error.field})` : ""}`);
    else if (error instanceof Error && "code" in error && String(error.code).startsWith("commander."))
      return 2;
    else say(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
