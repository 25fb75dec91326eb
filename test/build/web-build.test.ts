import { describe, expect, it } from "vitest";
import config from "../../web/vite.config.ts";

/** Issue 11 point 10: the production web build ships no source maps (they were served to anyone). */
describe("the web build", () => {
  it("writes no source maps", () => {
    const sourcemap = (config as { build?: { sourcemap?: unknown } }).build?.sourcemap;
    expect(sourcemap ?? false).toBe(false);
  });
});
