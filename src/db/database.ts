import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, Migrator, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { withCopy } from "./copy.ts";
import { migrations } from "./migrations/index.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import type { Database } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server; when absent, embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's data folder; when absent (tests), PGlite runs in memory. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Opens the database: PostgreSQL when a URL is given, else PGlite (in `dataDir`, or in memory).
 * 64-bit integers come back as JS numbers on both, so counts look the same everywhere.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === INT8_OID || oid === NUMERIC_OID
            ? (value: string) => Number(value)
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    pool.on("error", () => {
      // An idle client lost its connection; the pool replaces it on the next checkout.
    });
    // `withCopy`: the bulk loads' COPY (copy.ts) on the pool's clients.
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withCopy(pool) }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const releaseLock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  if (options.dataDir) process.umask(0o077);
  const pglite = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    // Trigram search (migration 0018); the extension is created by that migration, as on PostgreSQL.
    extensions: { pg_trgm },
    parsers: {
      [INT8_OID]: (value: string) => Number(value),
      [NUMERIC_OID]: (value: string) => Number(value),
    },
  });
  await pglite.waitReady;
  // After waitReady: a new folder is unpacked from PGlite's bundled copy with its files 0666.
  if (options.dataDir) keepPrivate(options.dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    close: async () => {
      await db.destroy();
      releaseLock();
    },
  };
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Whether a process with this id is alive (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would not see the
 * first one's writes and could corrupt it. A pid lock file refuses that with a clear message.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, "orgmap.lock");
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
  } catch {
    const holder = Number(readFileSync(lockFile, "utf8"));
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `the data folder ${dataDir} is in use by another orgmap process (pid ${holder}); stop it first, or use the API, or run PostgreSQL (DATABASE_URL) for several processes`,
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
  return () => rmSync(lockFile, { force: true });
}

/**
 * The database's files are the orgmap user's alone (issue 11 point 10): the umask is 077 before
 * PGlite opens (what PostgreSQL creates later is 0600 anyway), and once it is ready whatever is
 * open to others (its unpacked initial files are 0666, or an older version's) is narrowed: files
 * 0600, folders 0700.
 */
function keepPrivate(dir: string): void {
  const narrow = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o700);
      for (const name of readdirSync(path)) narrow(join(path, name));
    } else if ((stat.mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
    }
  };
  narrow(dir);
}

/**
 * Refreshes the planner's statistics. Autovacuum does this on PostgreSQL within a minute or so;
 * after a bulk load (a first sync, a benchmark seed) calling it at once avoids minutes of bad plans.
 */
export async function analyzeTables(db: Db): Promise<void> {
  await sql`analyze`.execute(db);
}
