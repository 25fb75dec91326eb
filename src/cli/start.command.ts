import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OpenedContext } from "../context.ts";
import { cliActor } from "../domain/actor.ts";
import { DemoService } from "../services/demo/demo.service.ts";
import type { Services } from "../services/index.ts";
import { say } from "./runtime.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** vite's `build`, the one part of vite that `orgmap start` uses. */
export type ViteBuild = (config: { root: string; configFile: string; logLevel: "warn" }) => Promise<unknown>;

/**
 * vite is a dev dependency: an install with `npm ci --omit=dev` has none, and the web app is then
 * served as built (web/dist), never rebuilt. Only "vite is not installed" is an answer; any other
 * failure to load it is thrown.
 */
export async function importVite(): Promise<ViteBuild | undefined> {
  try {
    return (await import("vite")).build;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "ERR_MODULE_NOT_FOUND" && /['"]vite['"]/.test(e.message)) return undefined;
    throw error;
  }
}

export type WebBuildOutcome = "up-to-date" | "built" | "stale" | "missing" | "no-web";

/**
 * Builds the web app when web/dist is missing or older than its sources, if vite is installed.
 * Without vite it says what to do and goes on: a stale build is served as it is, a missing one
 * leaves the API alone (http/app.ts serves web/dist only when it exists).
 */
export async function buildWebIfNeeded(
  options: { webDir?: string; loadVite?: () => Promise<ViteBuild | undefined> } = {},
): Promise<WebBuildOutcome> {
  const web = options.webDir ?? join(ROOT, "web");
  const built = join(web, "dist", "index.html");
  if (!existsSync(join(web, "index.html"))) return "no-web";
  const sources = [join(web, "src"), join(web, "index.html"), join(web, "vite.config.ts")].filter(existsSync);
  const isBuilt = existsSync(built);
  if (isBuilt && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return "up-to-date";
  const build = await (options.loadVite ?? importVite)();
  if (!build) {
    say(
      isBuilt
        ? "The web app's sources are newer than web/dist, and vite (a dev dependency) is not installed: serving the existing build. To rebuild: npm ci && npm run build:web"
        : "The web app is not built (web/dist is missing), and vite (a dev dependency) is not installed: serving the API only. To build it: npm ci && npm run build:web",
    );
    return isBuilt ? "stale" : "missing";
  }
  say("Building the web app ...");
  await build({ root: web, configFile: join(web, "vite.config.ts"), logLevel: "warn" });
  return "built";
}

/** `npm start`: the web app built, the demo loaded on a first start, then the server. */
export async function prepareFirstStart(ctx: OpenedContext, services: Services): Promise<void> {
  const demo = new DemoService(ctx);
  const modules = await services.modules.list();
  if ((await demo.isEmpty()) && modules.length === 0) {
    say("Empty instance: loading the demo data ...");
    const loaded = await demo.load(cliActor);
    say(
      `Demo loaded: ${loaded.organizations} organizations, ${loaded.modules} modules, ${loaded.moduleOrganizations} module organizations.`,
    );
  }
}
