import { join } from "node:path";
import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";
import {
  type DatabaseHandle,
  type DatabaseKind,
  type Db,
  migrateToLatest,
  openDatabase,
} from "./db/database.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Everything a service needs, built once at start-up (or once per test file) and passed down.
 * No module-level singletons: each test gets its own context and database.
 */
export interface AppContext {
  db: Db;
  databaseKind: DatabaseKind;
  clock: Clock;
  log: Logger;
  config: Config;
}

export interface OpenedContext extends AppContext {
  close(): Promise<void>;
}

/** Secrets that pino must never print, wherever they appear in a logged object. */
export const LOG_REDACT_PATHS = [
  "password",
  "*.password",
  "secrets",
  "*.secrets",
  "token",
  "*.token",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  // A database error carries the statement's values (params on PGlite) and the failing row (detail):
  // they may hold whatever a file or a vendor sent, so the log keeps the message, code and query only.
  "err.params",
  "err.parameters",
  "err.detail",
  "*.err.params",
  "*.err.parameters",
  "*.err.detail",
];

export function createLogger(config: Pick<Config, "logLevel">, destination?: pino.DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

/** Opens the database, applies migrations and returns the context. */
export async function openContext(
  config: Config,
  options: { log?: Logger; clock?: Clock } = {},
): Promise<OpenedContext> {
  const handle: DatabaseHandle = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : join(config.dataDir, "pglite"),
  });
  await migrateToLatest(handle.db);
  return {
    db: handle.db,
    databaseKind: handle.kind,
    clock: options.clock ?? systemClock,
    log: options.log ?? createLogger(config),
    config,
    close: handle.close,
  };
}
