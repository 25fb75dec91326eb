import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Config } from "../../src/config.ts";
import type { AppContext, Clock } from "../../src/context.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "../../src/db/database.ts";
import { emptyingStatements } from "./empty-tables.ts";

/** A clock that tests can move by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date("2026-01-15T10:00:00Z")) {}
  now() {
    return new Date(this.current);
  }
  set(date: Date | string) {
    this.current = new Date(date);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestContext extends AppContext {
  clock: TestClock;
  /** Empties every table (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    databaseUrl: undefined,
    dataDir: "/nonexistent-test-data-dir",
    // Tests write their connector files in temporary folders (useTempFiles).
    importDir: tmpdir(),
    secretKey: "test-secret-key-that-is-long-enough-000000",
    initialAdminPassword: undefined,
    logLevel: "silent",
    sessionIdleMs: 60 * 60_000,
    sessionAbsoluteMs: 12 * 3_600_000,
    secureCookies: "never",
    port: 0,
    host: "127.0.0.1",
    ...overrides,
  };
}

/** PostgreSQL for this run when TEST_DATABASE_URL (or DATABASE_URL) names a server; PGlite otherwise. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `orgmap_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

interface SharedDatabase {
  handle: DatabaseHandle;
  /** What reset() runs to empty the tables (see empty-tables.ts). */
  emptying: string[];
}

async function openMigrated(databaseUrl: string | undefined): Promise<SharedDatabase> {
  const handle = await openDatabase({ databaseUrl, poolSize: 5 });
  await migrateToLatest(handle.db);
  return { handle, emptying: await emptyingStatements(handle.db) };
}

/**
 * One migrated in-memory PGlite per test worker. Booting PGlite (WebAssembly compile + initdb) costs
 * seconds, truncating its tables milliseconds, so the test files a worker runs one after the other
 * (vitest.config.ts: `isolate: false`) share it, each starting from empty tables. Kept on globalThis
 * so that it outlives a re-evaluation of this module; the worker's exit closes it.
 */
const SHARED_PGLITE = Symbol.for("orgmap.test.sharedPglite");
type WithSharedPglite = typeof globalThis & { [SHARED_PGLITE]?: Promise<SharedDatabase> };

function sharedPglite(): Promise<SharedDatabase> {
  const holder = globalThis as WithSharedPglite;
  holder[SHARED_PGLITE] ??= openMigrated(undefined);
  return holder[SHARED_PGLITE];
}

/**
 * Opens an empty, migrated database for one test file: the worker's shared in-memory PGlite by
 * default, or a scratch database of its own on the PostgreSQL server named by
 * TEST_DATABASE_URL/DATABASE_URL (dropped afterwards), so that races between connections stay testable.
 */
export async function openTestContext(): Promise<TestContext> {
  const serverUrl = testServerUrl();
  const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
  const { handle, emptying } = scratch ? await openMigrated(scratch.url) : await sharedPglite();
  const clock = new TestClock();
  const ctx: TestContext = {
    db: handle.db,
    databaseKind: handle.kind,
    clock,
    log: pino({ level: "silent" }),
    config: testConfig({ databaseUrl: scratch?.url }),
    async reset() {
      // One transaction: one commit (one flush on PostgreSQL) for the whole reset.
      await handle.db.transaction().execute(async (tx) => {
        for (const statement of emptying) await sql.raw(statement).execute(tx);
        await sql`update settings set organization_term = 'Organization', time_zone = 'UTC', module_column_order = '[]', currency = 'USD', locale = 'en-US'`.execute(
          tx,
        );
        await sql`update psa_connection set connector_kind = null, connector_settings = '{}', connector_secrets = null, schedule = '0 2 * * *'`.execute(
          tx,
        );
      });
      clock.set("2026-01-15T10:00:00Z");
    },
    async close() {
      // The shared PGlite stays open for the worker's next file; a scratch database is dropped.
      if (!scratch) return;
      await handle.close();
      await scratch.drop();
    },
  };
  // The previous file on this worker may have left rows behind.
  if (!scratch) await ctx.reset();
  return ctx;
}

/**
 * Registers the hooks for a test file: one database for the file (on PGlite, the worker's), emptied
 * before each test.
 * Returns a holder whose `ctx` is valid inside tests.
 */
export function useTestContext(): { readonly ctx: TestContext } {
  const holder: { ctx: TestContext | undefined } = { ctx: undefined };
  beforeAll(async () => {
    holder.ctx = await openTestContext();
  });
  beforeEach(async () => {
    await holder.ctx?.reset();
  });
  afterAll(async () => {
    await holder.ctx?.close();
  });
  return {
    get ctx() {
      if (!holder.ctx) throw new Error("test context is not open yet");
      return holder.ctx;
    },
  };
}
