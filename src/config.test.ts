import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("configuration", () => {
  it("refuses a secret key shorter than 16 characters at start-up, naming the variable", () => {
    expect(() => loadConfig({ ORGMAP_SECRET_KEY: "too-short" })).toThrow(
      /invalid configuration: ORGMAP_SECRET_KEY: needs at least 16 characters/,
    );
    expect(loadConfig({ ORGMAP_SECRET_KEY: "sixteen-chars-ok" }).secretKey).toBe("sixteen-chars-ok");
    expect(loadConfig({}).secretKey).toBeUndefined();
  });

  it("reads the sync lease and the log level", () => {
    const config = loadConfig({ ORGMAP_SYNC_LEASE_SECONDS: "5", ORGMAP_LOG_LEVEL: "warn" });
    expect([config.syncLeaseMs, config.logLevel]).toEqual([5000, "warn"]);
    expect(() => loadConfig({ ORGMAP_LOG_LEVEL: "loud" })).toThrow(/ORGMAP_LOG_LEVEL/);
  });
});
