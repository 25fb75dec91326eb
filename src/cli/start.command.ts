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

/** Builds the web app when web/dist is missing or older than its sources. */
export async function buildWebIfNeeded(): Promise<void> {
  const web = join(ROOT, "web");
  const built = join(web, "dist", "index.html");
  if (!existsSync(join(web, "index.html"))) return;
  const sources = [join(web, "src"), join(web, "index.html"), join(web, "vite.config.ts")].filter(existsSync);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  say("Building the web app ...");
  const { build } = await import("vite");
  await build({ root: web, configFile: join(web, "vite.config.ts"), logLevel: "warn" });
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
