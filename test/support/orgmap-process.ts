import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bin/orgmap.js lives there). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type OrgmapProcess = ChildProcess & { output: () => string };

/** Starts a real `orgmap` process (bin/orgmap.js) with `env` over this process's environment. */
export function startOrgmap(args: string[], env: Record<string, string | undefined>): OrgmapProcess {
  const child = spawn(process.execPath, [join(ROOT, "bin", "orgmap.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  return Object.assign(child, { output: () => text });
}

/** Resolves when the process has exited (at once when it has already). */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));
}

/** Polls `check` every 50 ms until it gives a value (not undefined or false); throws after `ms`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms: number,
  what: () => string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The URL a `serve` process prints once it listens. */
export function servedUrl(child: OrgmapProcess): Promise<string> {
  return until(
    () => /running at (http:\/\/\S+)/.exec(child.output())?.[1],
    60_000,
    () => `a server to start: ${child.output()}`,
  );
}
