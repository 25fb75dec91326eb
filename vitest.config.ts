import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Web unit tests (web/src/**/*.test.ts[x]) run here too: a file that needs a DOM says so on its
    // first line (`// @vitest-environment happy-dom`); the others run in Node like the server's.
    include: [
      "src/**/*.test.ts",
      "test/**/*.test.ts",
      "bench/**/*.test.ts",
      "web/src/**/*.test.ts",
      "web/src/**/*.test.tsx",
    ],
    exclude: ["test/e2e/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // A worker runs its test files one after the other in one process, so they share one migrated
    // PGlite (test/support/test-context.ts) instead of booting one each (seconds per file). Test
    // files keep no state outside their own module and empty the database before each test.
    isolate: false,
  },
});
