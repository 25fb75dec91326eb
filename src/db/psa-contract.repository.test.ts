import { describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import type { PsaContractData } from "../domain/billing/psa-contracts.ts";
import { psaSideFor } from "../domain/billing/psa-contracts.ts";
import { repositories } from "./repositories.ts";

const DATA: PsaContractData = {
  services: [
    { psaId: "501", name: "Managed Device", unitPrice: 159_800n, isActive: true },
    { psaId: "502", name: "Backup\tSeat \\ Ü\n😀 \\N", unitPrice: null, isActive: false },
  ],
  contracts: [
    { psaId: "1", organizationPsaId: "A", name: "MSA", startDate: "2026-01-01", endDate: "2027-12-31" },
  ],
  contractServices: [
    { psaId: "11", contractPsaId: "1", servicePsaId: "501", unitPrice: 41_667n },
    { psaId: "12", contractPsaId: "1", servicePsaId: "502", unitPrice: null },
  ],
  contractServiceUnits: [
    {
      psaId: "101",
      contractPsaId: "1",
      contractServicePsaId: "11",
      servicePsaId: "501",
      startDate: "2026-10-01",
      endDate: "2026-10-31",
      units: 12,
      approveAndPostDate: "2026-11-02",
    },
    {
      psaId: "102",
      contractPsaId: "1",
      contractServicePsaId: "11",
      servicePsaId: "501",
      startDate: "2026-11-01",
      endDate: "2026-11-30",
      units: 14,
      approveAndPostDate: null,
    },
  ],
};

describe("PSA contract snapshot", () => {
  const t = useTestContext();

  it("stores a read and gives it back exactly: calendar dates as written, prices to the ten-thousandth", async () => {
    const repos = repositories(t.ctx.db);
    expect(await repos.psaContracts.load()).toBeNull();
    const readAt = new Date("2026-11-20T03:00:00Z");
    await repos.psaContracts.replace({
      readAt,
      window: { from: "2026-10-01", to: "2026-12-01" },
      requestCount: 5,
      rejected: [],
      data: DATA,
    });
    const loaded = await repos.psaContracts.load();
    expect(loaded).toEqual({
      readAt,
      window: { from: "2026-10-01", to: "2026-12-01" },
      requestCount: 5,
      rejected: [],
      data: DATA,
    });
    expect(psaSideFor(loaded!.data, "A", "501", { key: "2026-10" })).toEqual({
      contractService: { psaUnits: 12, unitPrice: 41_667n, isInvoiced: true },
    });
  });

  it("replaces the whole snapshot on the next read", async () => {
    const repos = repositories(t.ctx.db);
    const base = { window: { from: "2026-10-01", to: "2026-12-01" }, requestCount: 5, rejected: [] };
    await repos.psaContracts.replace({ ...base, readAt: new Date("2026-11-20T03:00:00Z"), data: DATA });
    const next: PsaContractData = {
      ...DATA,
      contractServiceUnits: [],
      contractServices: DATA.contractServices.slice(1),
    };
    await repos.psaContracts.replace({
      ...base,
      readAt: new Date("2026-11-21T03:00:00Z"),
      rejected: [{ reason: "contract 9 has no company", raw: { id: 9 } }],
      data: next,
    });
    const loaded = await repos.psaContracts.load();
    expect(loaded?.data).toEqual(next);
    expect(loaded?.rejected).toEqual([{ reason: "contract 9 has no company", raw: { id: 9 } }]);
    expect(loaded?.readAt).toEqual(new Date("2026-11-21T03:00:00Z"));
  });
});

describe("service mappings", () => {
  const t = useTestContext();

  it("keeps one PSA service and policy per (module, billing type)", async () => {
    const repos = repositories(t.ctx.db);
    const module = await buildModule(t.ctx.db, { key: "rmm" });
    const at = new Date("2026-11-01T00:00:00Z");
    const mapping = {
      moduleKey: module.key,
      billingType: "devices",
      psaServiceId: "501",
      psaServiceName: "Managed Device",
      policy: "latest" as const,
      updatedBy: "user:alice",
    };
    await repos.serviceMappings.upsert(mapping, at);
    await repos.serviceMappings.upsert(
      { ...mapping, psaServiceId: "503", psaServiceName: "Server", policy: "peak" },
      at,
    );
    await repos.serviceMappings.upsert({ ...mapping, billingType: "devices.server" }, at);
    expect(await repos.serviceMappings.list([module.key])).toEqual([
      { ...mapping, psaServiceId: "503", psaServiceName: "Server", policy: "peak", updatedAt: at },
      { ...mapping, billingType: "devices.server", updatedAt: at },
    ]);
    expect(await repos.serviceMappings.find(module.key, "seats")).toBeUndefined();
    expect(await repos.serviceMappings.delete(module.key, "devices")).toBe(true);
    expect(await repos.serviceMappings.delete(module.key, "devices")).toBe(false);
    expect((await repos.serviceMappings.list()).map((m) => m.billingType)).toEqual(["devices.server"]);
  });
});
