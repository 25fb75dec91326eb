import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
import { createLogger } from "../context.ts";

/**
 * Issue 11 point 3: the file connector reads only inside the import folder (ORGMAP_IMPORT_DIR),
 * never through a link out of it, and what a failed sync shows (to viewers too) is a short typed
 * message: never a file's contents or a vendor's answer.
 */
describe("file connector confinement and the errors viewers read", () => {
  const t = useTestApp();
  const root = mkdtempSync(join(tmpdir(), "orgmap-confine-"));
  const importDir = join(root, "import");
  const outside = join(root, "data");
  let server: Server;
  let serverUrl = "";

  beforeAll(async () => {
    mkdirSync(importDir);
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.key"), "externalId,name\nTOPSECRET-KEY-MATERIAL,x\n");
    symlinkSync(join(outside, "secret.key"), join(importDir, "link.csv"));
    writeFileSync(join(importDir, "good.csv"), "externalId,name\n1,Acme\n");
    t.ctx.config.importDir = importDir;
    server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`INTERNAL-SERVICE-ANSWER ${"x".repeat(300)}`);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(root, { recursive: true, force: true });
  });

  async function syncWith(
    connector: Record<string, unknown>,
  ): Promise<{ viewer: Caller; run: Record<string, unknown> }> {
    const admin = await t.tokenAs("admin");
    const viewer = await t.tokenAs("viewer");
    await buildModule(t.ctx.db, { key: "m", state: "awaiting_first_sync" });
    const patched = await t.request(admin, {
      method: "PATCH",
      url: "/api/v1/modules/m",
      payload: { connector },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const started = await t.request(admin, { method: "POST", url: "/api/v1/modules/m/sync" });
    expect(started.statusCode, started.body).toBe(202);
    await t.services.sync.idle();
    const run = await t.request(viewer, { method: "GET", url: `/api/v1/sync-runs/${started.json().runId}` });
    return { viewer, run: run.json() };
  }

  const refused = [
    ["a file outside the import folder", join(outside, "secret.key")],
    ["a link inside the import folder to a file outside it", join(importDir, "link.csv")],
    ["a relative path climbing out", "../data/secret.key"],
    ["a system file", "/etc/passwd"],
  ];
  for (const [what, path] of refused) {
    it(`refuses ${what}, and the run's error quotes nothing of it`, async () => {
      const { run } = await syncWith({ kind: "file", settings: { path } });
      expect(run.outcome).toBe("failed");
      expect(run.error).toMatch(/outside the import folder/);
      expect(JSON.stringify(run)).not.toMatch(/TOPSECRET|root:/);
    });
  }

  it("reads a file inside the import folder, by a path relative to it", async () => {
    const { run } = await syncWith({ kind: "file", settings: { path: "good.csv" } });
    expect(run.error ?? null).toBeNull();
    expect(run.outcome).toBe("succeeded");
  });

  it("shows a vendor's failed answer as its status only, never its body", async () => {
    const { run } = await syncWith({
      kind: "itglue",
      settings: { baseUrl: serverUrl, maxAttempts: 1 },
      secrets: { apiKey: "k" },
    });
    expect(run.outcome).toBe("failed");
    expect(run.error).toMatch(/HTTP 404/);
    expect(run.error).not.toMatch(/INTERNAL-SERVICE-ANSWER|xxxxx/);
  });

  it("logs a database error without its parameters", async () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger({ logLevel: "info" }, sink);
    const failed = await t.ctx.db
      .insertInto("modules")
      .values({ key: "PARAM-VALUE-FROM-A-FILE", name: null as unknown as string, created_at: new Date() })
      .execute()
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    log.error({ err: failed }, "a write failed");
    expect(out).toContain("a write failed");
    expect(out).not.toContain("PARAM-VALUE-FROM-A-FILE");
  });
});
