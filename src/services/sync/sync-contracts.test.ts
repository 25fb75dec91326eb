import { afterEach, describe, expect, it } from "vitest";
import { useTestContext } from "../../../test/support/test-context.ts";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../../../test/vendors/autotask.server.ts";
import { generatedAutotaskContracts } from "../../../test/vendors/autotask-contracts.generated.ts";
import type { Fault, VendorServer } from "../../../test/vendors/vendor-server.ts";
import { PsaContractRepository } from "../../db/psa-contract.repository.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "./sync-test-support.ts";

/**
 * PSA runs read the contracts after the companies (issue 9 items 1 and 4), through the real sync
 * against the emulated Autotask, on PGlite and PostgreSQL. The test clock is 2026-01-15 (UTC), so
 * the window is December 2025 and January 2026.
 */
describe("PSA sync with contracts", () => {
  const t = useTestContext();
  const files = useTempFiles();
  const servers: VendorServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const setup = () => {
    const services = createServices(t.ctx, { sync: { connectorDeps: { sleep: async () => {} } } });
    return { sync: services.sync, config: services.syncConfig };
  };
  const configureAutotask = (baseUrl: string) =>
    setup().config.configurePsa(cliActor, {
      connector: {
        kind: "autotask",
        settings: { baseUrl, maxAttempts: 2, requestTimeoutMs: 1_500 },
        secrets: AUTOTASK_TEST_CREDENTIALS,
      },
    });
  const contracts = generatedAutotaskContracts(30, "2025-12", "2026-01");

  it("stores the contracts of the window and counts every request of the run", async () => {
    const { sync } = setup();
    const server = await startAutotaskServer({ count: 30, contracts });
    servers.push(server);
    await configureAutotask(server.url);
    const run = await sync.syncPsa("manual");
    expect(run).toMatchObject({ outcome: "succeeded", error: null, counts: { seen: 30, added: 30 } });
    expect(run.counts.requests).toBe(server.requests.length);
    const contractRequests = server.requests.filter((r) => !r.path.startsWith("/V1.0/Companies")).length;
    expect(run.billing).toEqual({
      part: "contracts",
      outcome: "complete",
      error: null,
      requestCount: contractRequests,
      counts: {
        services: 2,
        contracts: contracts.contracts?.length,
        contractServices: contracts.contractServices?.length,
        contractServiceUnits: contracts.contractServiceUnits?.length,
        rejected: 0,
      },
    });
    const stored = await new PsaContractRepository(t.ctx.db).load();
    expect(stored).toMatchObject({
      window: { from: "2025-12-01", to: "2026-02-01" },
      requestCount: contractRequests,
    });
    expect(stored?.data.contracts).toHaveLength(contracts.contracts?.length ?? -1);
    expect(stored?.data.contractServiceUnits.map((u) => u.startDate.slice(0, 7)).sort()[0]).toBe("2025-12");
  });

  it.each([
    ["429", { kind: "429", retryAfter: "1" }, "rate_limited"],
    ["500", { kind: "500", message: "SQL timeout in tenant db42" }, "vendor_error"],
    ["bad JSON", { kind: "malformed" }, "bad_response"],
    ["a hang", { kind: "hang" }, "timeout"],
  ] as [string, Fault, string][])(
    "a contracts read answering %s keeps the previous contracts and says so",
    async (_name, fault, code) => {
      const { sync } = setup();
      const good = await startAutotaskServer({ count: 30, contracts });
      servers.push(good);
      await configureAutotask(good.url);
      await sync.syncPsa("manual");
      const before = await new PsaContractRepository(t.ctx.db).load();

      const broken = await startAutotaskServer({
        count: 30,
        contracts: generatedAutotaskContracts(10, "2025-12", "2026-01"),
        faults: [{ path: "/V1.0/ContractServices", fault, times: Number.POSITIVE_INFINITY }],
      });
      servers.push(broken);
      await configureAutotask(broken.url);
      t.ctx.clock.advance(86_400_000);
      const run = await sync.syncPsa("schedule");
      expect(run).toMatchObject({ outcome: "succeeded", error: null, counts: { seen: 30 } });
      expect(run.billing).toMatchObject({ part: "contracts", outcome: "failed", error: { code } });
      expect(run.billing?.error?.message).not.toMatch(/SQL timeout|tenant/);
      expect(run.billing?.requestCount).toBeGreaterThan(1);
      expect(run.counts.requests).toBe(broken.requests.length);
      expect(await new PsaContractRepository(t.ctx.db).load()).toEqual(before);
    },
  );

  it("a file PSA reads its contracts file: records checked one by one, rejections with their reasons", async () => {
    const { sync, config } = setup();
    const path = files.json([{ psaId: "100", name: "Acme Corporation", type: "Customer" }]);
    const contractsPath = files.json({
      services: [
        { psaId: "501", name: "Managed Device", unitPrice: "15.98" },
        { psaId: "502", name: "Backup seat", unitPrice: "twelve" },
      ],
      contracts: [
        {
          psaId: "c1",
          organizationPsaId: "100",
          name: "Managed services",
          startDate: "2025-01-01",
          endDate: "2030-12-31",
        },
        {
          psaId: "c2",
          organizationPsaId: "100",
          name: "Backwards",
          startDate: "2026-01-01",
          endDate: "2025-01-01",
        },
      ],
      contractServices: [
        { psaId: "cs1", contractPsaId: "c1", servicePsaId: "501", unitPrice: 15.98 },
        { psaId: "cs2", contractPsaId: "c2", servicePsaId: "501" },
      ],
      contractServiceUnits: [
        {
          psaId: "u1",
          contractPsaId: "c1",
          contractServicePsaId: "cs1",
          servicePsaId: "501",
          startDate: "2026-01-01",
          endDate: "2026-01-31",
          units: 12,
        },
        {
          psaId: "u2",
          contractPsaId: "c1",
          contractServicePsaId: "cs1",
          servicePsaId: "501",
          startDate: "2025-12-01",
          endDate: "2025-12-31",
          units: 2.5,
        },
      ],
    });
    await config.configurePsa(cliActor, { connector: { kind: "file", settings: { path, contractsPath } } });
    const run = await sync.syncPsa("manual");
    expect(run.billing).toEqual({
      part: "contracts",
      outcome: "complete",
      error: null,
      requestCount: 0,
      counts: { services: 1, contracts: 1, contractServices: 1, contractServiceUnits: 1, rejected: 4 },
    });
    expect(run.billingRejected.map((r) => r.reason)).toEqual([
      "services item 2: unitPrice: must be a decimal number",
      "contracts item 2: endDate: endDate is before startDate",
      expect.stringMatching(/^contractServiceUnits item 2: units: /),
      "contract service cs2 names contract c2, which is not in the file",
    ]);
    const stored = await new PsaContractRepository(t.ctx.db).load();
    expect(stored?.data.contractServices).toEqual([
      { psaId: "cs1", contractPsaId: "c1", servicePsaId: "501", unitPrice: 159_800n },
    ]);
    expect(stored?.data.contractServiceUnits).toMatchObject([
      { psaId: "u1", units: 12, approveAndPostDate: null },
    ]);

    // A contracts file that is not there: the read failed, the stored contracts stay.
    await config.configurePsa(cliActor, {
      connector: { kind: "file", settings: { path, contractsPath: "no-such-contracts.json" } },
    });
    t.ctx.clock.advance(60_000);
    const second = await sync.syncPsa("manual");
    expect(second).toMatchObject({
      outcome: "succeeded",
      billing: {
        outcome: "failed",
        error: { code: "invalid", message: expect.stringMatching(/no such file/) },
      },
    });
    expect((await new PsaContractRepository(t.ctx.db).load())?.data.contracts).toHaveLength(1);
  });
});
