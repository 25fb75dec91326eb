import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Config } from "../../src/config.ts";
import type { AppContext, Clock } from "../../src/context.ts";
import { migrateToLatest, openDatabase } from "../../src/db/database.ts";

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

/**
 * Opens a fresh, migrated database for one test file: in-memory PGlite by default, or a scratch
 * database on the PostgreSQL server named by TEST_DATABASE_URL/DATABASE_URL (dropped afterwards).
 */
export async function openTestContext(): Promise<TestContext> {
  const serverUrl = testServerUrl();
  const scratch = serverUrl ? await createScratchDatabase(serverUrl) : undefined;
  const handle = await openDatabase({ databaseUrl: scratch?.url, poolSize: 5 });
  await migrateToLatest(handle.db);
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'
  `.execute(handle.db);
  const toTruncate = tables.rows
    .map((r) => r.tablename)
    .filter((t) => t !== "settings" && t !== "psa_connection");
  const clock = new TestClock();
  return {
    db: handle.db,
    databaseKind: handle.kind,
    clock,
    log: pino({ level: "silent" }),
    config: testConfig({ databaseUrl: scratch?.url }),
    async reset() {
      await sql.raw(`truncate ${toTruncate.join(", ")} restart identity cascade`).execute(handle.db);
      await sql`update settings set organization_term = 'Organization', time_zone = 'UTC', module_column_order = '[]'`.execute(
        handle.db,
      );
      await sql`update psa_connection set connector_kind = null, connector_settings = '{}', connector_secrets = null, schedule = '0 2 * * *'`.execute(
        handle.db,
      );
      clock.set("2026-01-15T10:00:00Z");
    },
    async close() {
      await handle.close();
      await scratch?.drop();
    },
  };
}

/**
 * Registers the hooks for a test file: one database for the file, emptied before each test.
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
