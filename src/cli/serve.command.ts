import type { FastifyInstance } from "fastify";
import type { OpenedContext } from "../context.ts";
import { buildApp } from "../http/app.ts";
import type { Services } from "../services/index.ts";
import { SyncScheduler } from "../services/sync/scheduler.ts";
import { say } from "./runtime.ts";

export interface ServeOptions {
  port: number;
  host: string;
}

/** Prints the first admin's one-time password when the instance has no user yet. */
export async function announceInitialAdmin(services: Services): Promise<void> {
  const admin = await services.auth.ensureInitialAdmin();
  if (admin) {
    say("");
    say("  First start: an admin user was created. This password is shown once:");
    say(`    username: ${admin.username}`);
    say(`    password: ${admin.password}`);
    say("");
  }
}

/**
 * Starts the HTTP server, the sync scheduler, the reconciliation's background refresh and the alert delivery worker (only here: tests and other commands build the
 * same app and services without it) and keeps them running until SIGINT/SIGTERM.
 */
export async function serve(
  ctx: OpenedContext,
  services: Services,
  options: ServeOptions,
): Promise<FastifyInstance> {
  await announceInitialAdmin(services);
  const app = await buildApp(ctx, services);
  const warmer = services.reconciliationWarmer;
  const scheduler = new SyncScheduler(ctx, services.sync, {
    afterModuleSync: async (moduleKey) => {
      try {
        return await services.posting.postAfterSync(moduleKey);
      } finally {
        warmer.poke();
      }
    },
    // Each tick (30 s) also brings the reconciliation up to date with whatever changed since (a
    // PSA or manual sync, mappings, another process's writes): the pages then read it as stored.
    onTick: () => {
      warmer.poke();
      return services.posting.expireStaleRuns();
    },
  });
  // On close: no new scheduled runs, and this process's runs are recorded as interrupted.
  app.addHook("onClose", async () => {
    await scheduler.stop();
    await warmer.settled();
    await services.alertWorker.stop();
    await services.sync.close();
    await services.suggestions.worker.close();
  });
  const address = await app.listen({ port: options.port, host: options.host });
  scheduler.start();
  // The first suggestion would otherwise wait for the worker to start and the index to be built.
  services.suggestions.warmUp();
  // The current and previous periods' reconciliation, before the first dashboard asks for it.
  warmer.poke();
  services.alertWorker.start();
  say(`orgmap is running at ${address.replace("127.0.0.1", "localhost")} (database: ${ctx.databaseKind})`);
  return app;
}

/** Waits for a stop signal, then closes the server and the database. */
export async function runUntilStopped(app: FastifyInstance, ctx: OpenedContext): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await app.close();
  await ctx.close();
}
