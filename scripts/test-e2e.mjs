#!/usr/bin/env node
/**
 * Browser tests: builds web/dist when missing or stale, starts a real orgmap server on a fresh data
 * folder (demo data, a viewer user) and a second, empty one whose first admin gets a generated
 * password (for the forced password change), runs test/e2e/*.e2e.ts with Vitest against headless Debian
 * Chromium (playwright-core, no browser download), prints "N passed, N failed" and exits non-zero
 * on failure. Screenshots land in test-results/.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const ADMIN_PASSWORD = "e2e-Admin-password-1";
const VIEWER_PASSWORD = "e2e-Viewer-password-1";
const resultsDir = join(root, "test-results");
const keepData = process.argv.includes("--keep");

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function buildWebIfStale() {
  const index = join(root, "web/dist/index.html");
  const sources = ["web/src", "web/index.html", "web/vite.config.ts", "src/domain"].map((p) => join(root, p));
  const newestSource = Math.max(...sources.filter(existsSync).map(newestMtime));
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource) return;
  console.log("e2e: building web/dist …");
  const build = spawnSync("npx", ["vite", "build", "web"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("web build failed");
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function cli(args, env) {
  const run = spawnSync(process.execPath, ["bin/orgmap.js", ...args], { cwd: root, env, encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(`orgmap ${args.join(" ")} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

/** Starts `orgmap serve` and resolves once /health answers; `log()` is everything it printed. */
async function startServer(env, port) {
  let log = "";
  const child = spawn(process.execPath, ["bin/orgmap.js", "serve", "--port", String(port)], {
    cwd: root,
    env,
  });
  child.stdout.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr.on("data", (chunk) => {
    log += chunk;
  });
  await waitForHealth(`http://127.0.0.1:${port}`, child, () => log.slice(-4000));
  return { child, log: () => log };
}

async function waitForHealth(url, server, log) {
  // Generous: on a shared 2-core machine under load a first start (migrations, argon2) takes a while.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${log()}`);
}

function stopServer(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once("exit", () => resolveStop());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

function summarize(jsonPath) {
  if (!existsSync(jsonPath)) return null;
  const report = JSON.parse(readFileSync(jsonPath, "utf8"));
  const failedTests = report.numFailedTests ?? 0;
  // A file that fails to load has no failed test but a failed suite: count it once.
  const failed = failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0);
  return { passed: report.numPassedTests ?? 0, failed };
}

async function main() {
  if (!existsSync("/usr/bin/chromium") && !process.env.ORGMAP_E2E_CHROMIUM) {
    throw new Error("Chromium is missing: apt-get install -y chromium");
  }
  buildWebIfStale();
  mkdirSync(resultsDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "orgmap-e2e-"));
  const env = {
    ...process.env,
    ORGMAP_DATA_DIR: dataDir,
    ORGMAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  const freshDir = mkdtempSync(join(tmpdir(), "orgmap-e2e-fresh-"));
  const freshEnv = { ...env, ORGMAP_DATA_DIR: freshDir };
  delete freshEnv.ORGMAP_ADMIN_PASSWORD;
  let server;
  let fresh;
  let serverLog = () => "";
  try {
    console.log(`e2e: data in ${dataDir}; loading demo data …`);
    cli(["migrate"], env);
    cli(["demo"], env);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The first start creates the admin (ORGMAP_ADMIN_PASSWORD); the embedded database admits one
    // process, so stop it, add the viewer with the CLI, and start again.
    server = await startServer(env, port);
    await stopServer(server.child);
    cli(["users", "create", "--username", "v", "--role", "viewer", "--password", VIEWER_PASSWORD], env);
    server = await startServer(env, port);
    serverLog = server.log;
    console.log(`e2e: server at ${url}`);

    // An empty instance without ORGMAP_ADMIN_PASSWORD: its first admin must change the printed password.
    cli(["migrate"], freshEnv);
    const freshPort = await freePort();
    fresh = await startServer(freshEnv, freshPort);
    const generated = /password: (\S+)/.exec(fresh.log())?.[1];
    if (!generated) throw new Error(`the fresh instance printed no first-admin password:\n${fresh.log()}`);
    console.log(`e2e: fresh instance at http://127.0.0.1:${freshPort}`);

    const jsonPath = join(resultsDir, "e2e-results.json");
    rmSync(jsonPath, { force: true });
    const extra = process.argv.slice(2).filter((arg) => arg !== "--keep");
    const tests = spawnSync(
      "npx",
      [
        "vitest",
        "run",
        "--config",
        "test/e2e/vitest.e2e.config.ts",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${jsonPath}`,
        ...extra,
      ],
      {
        cwd: root,
        stdio: "inherit",
        env: {
          ...process.env,
          ORGMAP_E2E_URL: url,
          ORGMAP_E2E_ADMIN_PASSWORD: ADMIN_PASSWORD,
          ORGMAP_E2E_VIEWER_PASSWORD: VIEWER_PASSWORD,
          ORGMAP_E2E_DATA_DIR: dataDir,
          ORGMAP_E2E_FRESH_URL: `http://127.0.0.1:${freshPort}`,
          ORGMAP_E2E_FRESH_ADMIN_PASSWORD: generated,
        },
      },
    );
    const summary = summarize(jsonPath) ?? { passed: 0, failed: 1 };
    if (tests.status !== 0 && summary.failed === 0) summary.failed = 1;
    if (summary.failed > 0) console.log(`--- server log (tail) ---\n${serverLog().slice(-3000)}`);
    console.log(`${summary.passed} passed, ${summary.failed} failed`);
    return summary.failed === 0 ? 0 : 1;
  } finally {
    if (server) await stopServer(server.child);
    if (fresh) await stopServer(fresh.child);
    if (!keepData) {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(freshDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
