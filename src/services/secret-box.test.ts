import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSecretBox, resolveSecretKey, SECRET_KEY_FILE, SecretBox } from "./secret-box.ts";

describe("secret box", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("seals with AES-256-GCM: the stored text holds no plain secret and opens only in its context", () => {
    const box = new SecretBox("a-test-key-of-enough-length");
    const sealed = box.seal({ apiKey: "ITG.super-secret" }, "module:itglue");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("super-secret");
    expect(box.seal({ apiKey: "ITG.super-secret" }, "module:itglue")).not.toBe(sealed);
    expect(box.open(sealed, "module:itglue")).toEqual({ apiKey: "ITG.super-secret" });
    expect(() => box.open(sealed, "module:other")).toThrow(/cannot be opened/);
    expect(() => new SecretBox("another-key-of-enough-length").open(sealed, "module:itglue")).toThrow(
      /cannot be opened/,
    );
  });

  it("uses ORGMAP_SECRET_KEY when set, else generates secret.key (mode 0600) once in the data folder", () => {
    expect(resolveSecretKey({ secretKey: "from-env-key-123456", dataDir: "/nonexistent" })).toBe(
      "from-env-key-123456",
    );
    const dir = mkdtempSync(join(tmpdir(), "orgmap-key-"));
    dirs.push(dir);
    const first = resolveSecretKey({ secretKey: undefined, dataDir: join(dir, "data") });
    const file = join(dir, "data", SECRET_KEY_FILE);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey({ secretKey: undefined, dataDir: join(dir, "data") })).toBe(first);
  });

  it("built from the config at start: a short ORGMAP_SECRET_KEY is refused at once, secret.key made only when needed", () => {
    expect(() => createSecretBox({ secretKey: "short", dataDir: "/nonexistent" })).toThrow(/at least 16/);
    const dir = mkdtempSync(join(tmpdir(), "orgmap-key-"));
    dirs.push(dir);
    const box = createSecretBox({ secretKey: undefined, dataDir: join(dir, "data") });
    const file = join(dir, "data", SECRET_KEY_FILE);
    expect(existsSync(file)).toBe(false);
    const sealed = box.seal({ apiKey: "k" }, "psa");
    expect(existsSync(file)).toBe(true);
    expect(new SecretBox(readFileSync(file, "utf8").trim()).open(sealed, "psa")).toEqual({ apiKey: "k" });
  });
});
