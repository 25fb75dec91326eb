import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { startDattoRmmServer } from "../../../test/vendors/datto-rmm.server.ts";
import { dattoRmmDevice, generatedDattoRmmDevices } from "../../../test/vendors/datto-rmm-usage.server.ts";
import { startDattoSaasServer } from "../../../test/vendors/datto-saas.server.ts";
import type { Fault, FaultRule, VendorServer } from "../../../test/vendors/vendor-server.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "./sync-test-support.ts";

/**
 * Module runs read usage in the same run, after the organizations (issue 9 items 1 and 4): through
 * the real sync against the emulated vendors, on PGlite and PostgreSQL.
 */
describe("module sync with usage", () => {
  const t = useTestContext();
  const files = useTempFiles();
  const servers: VendorServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const track = (server: VendorServer) => {
    servers.push(server);
    return server;
  };
  const setup = () => {
    const services = createServices(t.ctx, { sync: { connectorDeps: { sleep: async () => {} } } });
    return { sync: services.sync, config: services.syncConfig };
  };
  /** The open ledger rows of a module: "externalId billingType" -> quantity or the unknown reason. */
  const openLedger = async (moduleKey: string) => {
    const rows = await t.ctx.db
      .selectFrom("usage_ledger as u")
      .innerJoin("module_organizations as mo", "mo.id", "u.module_organization_id")
      .select(["mo.external_id", "u.billing_type", "u.quantity", "u.unknown_reason", "u.sync_run_id"])
      .where("mo.module_key", "=", moduleKey)
      .where("u.valid_to", "is", null)
      .execute();
    return new Map(
      rows.map((r) => [`${r.external_id} ${r.billing_type}`, r.quantity ?? (r.unknown_reason as string)]),
    );
  };
  const SITE_0 = "site-00000000";
  const SITE_1 = "site-00000001";
  /** A service mapping for one of the module's billing types: what makes Datto RMM read the categories. */
  const mapBillingType = (moduleKey: string, billingType: string) =>
    repositories(t.ctx.db).serviceMappings.upsert(
      {
        moduleKey,
        billingType,
        psaServiceId: "svc-1",
        psaServiceName: "Managed servers",
        policy: "latest",
        updatedBy: "test",
      },
      t.ctx.clock.now(),
    );
  const deviceListRequests = (server: VendorServer) =>
    server.requests.filter((request) => request.path === "/api/v2/account/devices").length;

  const configureRmm = async (moduleKey: string, baseUrl: string, extra: Record<string, unknown> = {}) =>
    setup().config.configureModule(cliActor, moduleKey, {
      connector: {
        kind: "datto-rmm",
        settings: { baseUrl, maxAttempts: 2, requestTimeoutMs: 1_500, ...extra },
        secrets: { apiKey: "rmm-key", apiSecret: "rmm-secret" },
      },
    });

  it("a Datto RMM run with a category service-mapped reads the sites, then their devices into the ledger, counting every request", async () => {
    const { sync } = setup();
    const module = await buildModule(t.ctx.db, { key: "rmm" });
    const server = track(
      await startDattoRmmServer({ count: 6, usage: { devices: generatedDattoRmmDevices(6) } }),
    );
    await configureRmm(module.key, server.url);
    await mapBillingType(module.key, "devices.server");
    const run = await sync.syncModule(module.key, "manual");
    expect(run).toMatchObject({ outcome: "succeeded", error: null });
    expect(run.counts).toMatchObject({ seen: 6, added: 6, unmappedAtEnd: 6 });
    // Token, sites, then the usage read's token and devices (the sites list of the same run is
    // reused, not read again): all counted.
    expect(run.counts.requests).toBe(server.requests.length);
    expect(run.billing).toEqual({
      part: "usage",
      outcome: "complete",
      error: null,
      // The organizations read spent a token and one page of sites; the usage read the rest.
      requestCount: server.requests.length - 2,
      counts: { unchanged: 0, changed: 0, opened: 6 * 7, unknown: 0, ignored: 0, rejected: 0 },
    });
    const ledger = await openLedger(module.key);
    expect(ledger.get(`${SITE_0} devices`)).toBe(0); // a site without devices reads 0: it was read
    expect(ledger.get(`${SITE_1} devices`)).toBe(7);
    const stored = await t.ctx.db.selectFrom("usage_reads").selectAll().execute();
    expect(stored).toMatchObject([{ module_key: module.key, sync_run_id: run.id, outcome: "complete" }]);
    expect(deviceListRequests(server)).toBe(1);
  });

  it("with no category service-mapped, a Datto RMM run takes each total from the sites list and reads no device list; categories stored before turn unknown, never 0", async () => {
    const { sync } = setup();
    const module = await buildModule(t.ctx.db, { key: "rmm" });
    const server = track(
      await startDattoRmmServer({ count: 6, usage: { devices: generatedDattoRmmDevices(6) } }),
    );
    await configureRmm(module.key, server.url);
    // Only the total is mapped: no device list, one reading a site.
    await mapBillingType(module.key, "devices");
    const run = await sync.syncModule(module.key, "manual");
    expect(run.billing).toMatchObject({
      outcome: "complete",
      // No request: the totals come from the sites list the organizations read of this run just read.
      requestCount: 0,
      counts: { opened: 6, unknown: 0, rejected: 0 },
    });
    expect(deviceListRequests(server)).toBe(0);
    expect(server.requests.filter((request) => request.path === "/api/v2/account/sites")).toHaveLength(1);
    const ledger = await openLedger(module.key);
    expect(ledger.size).toBe(6);
    expect(ledger.get(`${SITE_0} devices`)).toBe(0);
    expect(ledger.get(`${SITE_1} devices`)).toBe(7);
    // Site 4: (4 * 7) % 13 = 2 devices, one of them deleted (device 16 of the generated list).
    expect(ledger.get("site-00000004 devices")).toBe(1);

    // A category mapped: the next night reads the device list, and the same totals.
    await mapBillingType(module.key, "devices.laptop");
    t.ctx.clock.advance(86_400_000);
    const mapped = await sync.syncModule(module.key, "schedule");
    expect(mapped.billing?.counts).toMatchObject({ unchanged: 6, changed: 0, opened: 36, unknown: 0 });
    expect(deviceListRequests(server)).toBe(1);
    expect((await openLedger(module.key)).get(`${SITE_1} devices.desktop`)).toBe(2);

    // Unmapped again: the categories are no longer read, so what the ledger holds turns unknown.
    await t.ctx.db.deleteFrom("service_mappings").where("billing_type", "=", "devices.laptop").execute();
    t.ctx.clock.advance(86_400_000);
    const unmapped = await sync.syncModule(module.key, "schedule");
    expect(unmapped.billing?.counts).toMatchObject({ unchanged: 6, changed: 36, unknown: 36 });
    expect(deviceListRequests(server)).toBe(1);
    const after = await openLedger(module.key);
    expect(after.get(`${SITE_1} devices`)).toBe(7);
    expect(after.get(`${SITE_1} devices.desktop`)).toBe("skipped");
    expect(after.get(`${SITE_0} devices.server`)).toBe("skipped");
  });

  const FAULTS: [string, Fault, string][] = [
    ["429", { kind: "429", retryAfter: "1" }, "rate_limited"],
    ["500", { kind: "500", message: "internal database error: secret stack" }, "vendor_error"],
    ["bad JSON", { kind: "malformed" }, "bad_response"],
    ["a hang", { kind: "hang" }, "timeout"],
  ];
  it.each(FAULTS)(
    "Datto RMM devices answering %s: the usage part failed, readings unknown, never 0; the organizations part stands",
    async (_name, fault, code) => {
      const { sync } = setup();
      const module = await buildModule(t.ctx.db, { key: "rmm" });
      const devices = [dattoRmmDevice(SITE_1, 0), dattoRmmDevice(SITE_1, 1)];
      const good = track(await startDattoRmmServer({ count: 3, usage: { devices } }));
      await configureRmm(module.key, good.url);
      await mapBillingType(module.key, "devices.desktop");
      expect((await sync.syncModule(module.key, "manual")).billing?.outcome).toBe("complete");
      expect((await openLedger(module.key)).get(`${SITE_1} devices`)).toBe(2);

      const faults: FaultRule[] = [
        { path: "/api/v2/account/devices", fault, times: Number.POSITIVE_INFINITY },
      ];
      const broken = track(await startDattoRmmServer({ count: 4, usage: { devices }, faults }));
      await configureRmm(module.key, broken.url);
      t.ctx.clock.advance(86_400_000);
      const run = await sync.syncModule(module.key, "schedule");
      expect(run).toMatchObject({ outcome: "succeeded", error: null });
      expect(run.counts).toMatchObject({ seen: 4, added: 1, unmappedAtEnd: 4 });
      expect(run.billing).toMatchObject({ part: "usage", outcome: "failed", error: { code } });
      expect(run.billing?.error?.message).not.toMatch(/secret stack|database error/);
      expect(run.billing?.requestCount).toBeGreaterThan(0);
      expect(run.counts.requests).toBe(broken.requests.length);
      // Every expected pair of every active site is unknown ("failed"): none is 0, none kept its old value.
      const ledger = await openLedger(module.key);
      expect(ledger.get(`${SITE_1} devices`)).toBe("failed");
      expect(ledger.get(`${SITE_0} devices.desktop`)).toBe("failed");
      expect(ledger.get("site-00000003 devices")).toBe("failed");
      expect([...ledger.values()].every((value) => value === "failed")).toBe(true);
      expect(run.billing?.counts).toMatchObject({ unknown: ledger.size, rejected: 0 });
    },
  );

  it("a Datto RMM not-billable filter name that matches nothing fails the usage part, not the run", async () => {
    const { sync } = setup();
    const module = await buildModule(t.ctx.db, { key: "rmm" });
    const server = track(
      await startDattoRmmServer({
        count: 2,
        usage: { devices: [dattoRmmDevice(SITE_1, 0)], customFilters: [] },
      }),
    );
    await configureRmm(module.key, server.url, { notBillableFilterName: "Lab machines" });
    const run = await sync.syncModule(module.key, "manual");
    expect(run.outcome).toBe("succeeded");
    expect(run.billing).toMatchObject({
      outcome: "failed",
      error: { code: "invalid", message: expect.stringContaining('"Lab machines"') },
    });
  });

  it.each(FAULTS)(
    "SaaS Protection's second domains read (usage) answering %s: seats unknown, never 0",
    async (_name, fault, code) => {
      const { sync, config } = setup();
      const module = await buildModule(t.ctx.db, { key: "saas" });
      const configure = (baseUrl: string) =>
        config.configureModule(cliActor, module.key, {
          connector: {
            kind: "datto-saas",
            settings: { baseUrl, maxAttempts: 2, requestTimeoutMs: 1_500 },
            secrets: { publicKey: "saas-public", secretKey: "saas-secret" },
          },
        });
      const good = track(await startDattoSaasServer({ count: 4 }));
      await configure(good.url);
      const first = await sync.syncModule(module.key, "manual");
      expect(first.billing).toMatchObject({ outcome: "complete", requestCount: 1 });
      expect(first.counts.requests).toBe(2);
      // Customer 7000: its two domains' seats, 0 + 7, per product type too.
      expect((await openLedger(module.key)).get("7000 seats")).toBe(7);
      expect((await openLedger(module.key)).get("7000 seats.office365")).toBe(0);

      // The organizations read (the first request) answers; the usage read (the second) faults.
      const faults: FaultRule[] = [
        { path: "/v1/saas/domains", fault, skip: 1, times: Number.POSITIVE_INFINITY },
      ];
      const broken = track(await startDattoSaasServer({ count: 4, faults }));
      await configure(broken.url);
      t.ctx.clock.advance(86_400_000);
      const run = await sync.syncModule(module.key, "schedule");
      expect(run).toMatchObject({ outcome: "succeeded", counts: { seen: 6, added: 0 } });
      expect(run.billing).toMatchObject({ outcome: "failed", error: { code } });
      // Retried up to maxAttempts, but bad JSON is not retried (it will not heal).
      expect(run.billing?.requestCount).toBe(code === "bad_response" ? 1 : 2);
      expect(run.counts.requests).toBe(broken.requests.length);
      const ledger = await openLedger(module.key);
      expect(ledger.get("7000 seats")).toBe("failed");
      expect(ledger.get("7001 seats.googleapps")).toBe("failed");
    },
  );

  it("a file module reads its usage file: readings stored, an unknown external id rejected with its reason", async () => {
    const { sync, config } = setup();
    const module = await buildModule(t.ctx.db, { key: "graphus" });
    const path = files.csv([
      ["g-1", "Acme"],
      ["g-2", "Beta"],
    ]);
    const usagePath = join(files.dir, "graphus-usage.csv");
    writeFileSync(
      usagePath,
      "externalId,billingType,quantity\ng-1,Protected mailboxes,12\ng-2,Protected mailboxes,3\nghost,Protected mailboxes,9\ng-2,Protected mailboxes,-1\n",
    );
    await config.configureModule(cliActor, module.key, {
      connector: { kind: "file", settings: { path, usagePath } },
    });
    const run = await sync.syncModule(module.key, "manual");
    expect(run.outcome).toBe("succeeded");
    expect(run.billing).toEqual({
      part: "usage",
      outcome: "complete",
      error: null,
      requestCount: 0,
      counts: { unchanged: 0, changed: 0, opened: 2, unknown: 0, ignored: 0, rejected: 2 },
    });
    expect(run.billingRejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^line 5: .*quantity/),
      'no module organization with external id "ghost" in this module',
    ]);
    const ledger = await openLedger(module.key);
    expect(ledger.get("g-1 protected_mailboxes")).toBe(12);
    expect(ledger.get("g-2 protected_mailboxes")).toBe(3);

    // The next night: g-2 left out of the file (unknown, "skipped"), g-1 changed; the file outside
    // the import folder fails instead.
    writeFileSync(usagePath, "externalId,billingType,quantity\ng-1,Protected mailboxes,14\n");
    t.ctx.clock.advance(86_400_000);
    const second = await sync.syncModule(module.key, "schedule");
    expect(second.billing?.counts).toMatchObject({ changed: 2, unknown: 1 });
    expect(await openLedger(module.key)).toEqual(
      new Map<string, number | string>([
        ["g-1 protected_mailboxes", 14],
        ["g-2 protected_mailboxes", "skipped"],
      ]),
    );
    await config.configureModule(cliActor, module.key, {
      connector: { kind: "file", settings: { path, usagePath: "/etc/hostname" } },
    });
    t.ctx.clock.advance(86_400_000);
    const third = await sync.syncModule(module.key, "schedule");
    expect(third.outcome).toBe("succeeded");
    expect(third.billing).toMatchObject({ outcome: "failed", error: { code: "invalid" } });
    expect((await openLedger(module.key)).get("g-1 protected_mailboxes")).toBe("failed");
  });

  it("a module without usage (IT Glue, a file without a usage file) records no usage part", async () => {
    const { sync, config } = setup();
    const module = await buildModule(t.ctx.db, { key: "passly" });
    await config.configureModule(cliActor, module.key, {
      connector: { kind: "file", settings: { path: files.csv([["p-1", "Acme"]]) } },
    });
    const run = await sync.syncModule(module.key, "manual");
    expect(run).toMatchObject({ outcome: "succeeded", billing: null, billingRejected: [] });
    expect(await t.ctx.db.selectFrom("usage_reads").selectAll().execute()).toEqual([]);
  });
});
