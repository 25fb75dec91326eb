import { defineConfig } from "vitest/config";

/** Browser tests share one server (started by scripts/test-e2e.mjs), so files run one after another. */
export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ["test/e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
