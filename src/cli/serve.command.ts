import type { FastifyInstance } from "fastify";
import type { AppContext, OpenedContext } from "../context.ts";
import { type AppOptions, buildApp } from "../http/app.ts";
import { syncAppOptions } from "../http/sync.routes.ts";
import type { Services } from "../services/index.ts";
import { SyncScheduler } from "../services/sync/scheduler.ts";
import { SyncService } from "../services/sync/sync.service.ts";
import { SyncConfigService } from "../services/sync/sync-config.service.ts";
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

/** Starts the HTTP server and keeps it running until SIGINT/SIGTERM. */
export async function serve(
  ctx: OpenedContext,
  services: Services,
  options: ServeOptions,
): Promise<FastifyInstance> {
  await announceInitialAdmin(services);
  const sync = new SyncService(ctx);
  const app = await buildApp(ctx, services, await serverExtensions(ctx, services, sync));
  const scheduler = new SyncScheduler(ctx, sync);
  // On close: no new scheduled runs, and this process's runs are recorded as interrupted.
  app.addHook("onClose", async () => {
    await scheduler.stop();
    await sync.close();
  });
  const address = await app.listen({ port: options.port, host: options.host });
  scheduler.start();
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

/**
 * The app options every server gets: the routes and PATCH handlers of features (sync) that the
 * core does not know. Tests build their app with the same options (no side effects here).
 */
export async function serverExtensions(
  ctx: AppContext,
  _services: Services,
  sync: SyncService = new SyncService(ctx),
): Promise<AppOptions> {
  return syncAppOptions(sync, new SyncConfigService(ctx, sync));
}
