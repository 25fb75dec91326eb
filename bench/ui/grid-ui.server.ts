import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds web/dist when it is missing or older than the web sources (as scripts/test-e2e.mjs does). */
export function buildWebIfStale(): void {
  const index = join(root, "web/dist/index.html");
  const sources = ["web/src", "web/index.html", "web/vite.config.ts", "src/domain"].map((p) => join(root, p));
  const newest = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  console.log("ui bench: building web/dist …");
  const build = spawnSync("npx", ["vite", "build", "web"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("web build failed");
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A real `orgmap serve` process on the given database (its first admin gets `adminPassword`), ready
 * once /health answers. `stop()` ends this process only (SIGTERM, then SIGKILL after 10 s).
 */
export async function startServer(databaseUrl: string, adminPassword: string): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["bin/orgmap.js", "serve", "--port", String(port)], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ORGMAP_ADMIN_PASSWORD: adminPassword,
      ORGMAP_LOG_LEVEL: "warn",
      NODE_ENV: "production",
    },
  });
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const stop = () =>
    new Promise<void>((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once("exit", () => resolveStop());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`orgmap serve exited early:\n${log.slice(-3000)}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return { url, child, log: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`orgmap serve did not become healthy:\n${log.slice(-3000)}`);
}
