#!/usr/bin/env node
// Runs the whole test suite again on a PostgreSQL server. Each test file creates (and drops) its
// own scratch database on that server, so runs never share state. Fails, never skips, when the
// server cannot be reached.
import { spawnSync } from "node:child_process";
import pg from "pg";

const url =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  const { rows } = await client.query("select version()");
  console.log(`PostgreSQL suite on ${url.replace(/\/\/[^@]*@/, "//***@")}: ${rows[0].version}`);
} catch (error) {
  console.error(`PostgreSQL is not reachable at ${url}: ${error.message}`);
  process.exit(1);
} finally {
  await client.end().catch(() => {});
}
const result = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url, ORGMAP_REQUIRE_POSTGRES: "1" },
});
process.exit(result.status ?? 1);
