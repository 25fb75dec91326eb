import { describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { seededPicker } from "../../test/support/seeded-random.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { PsaContractIndex } from "../domain/billing/psa-contract-index.ts";
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

/** Contracts, lines and units over 15 months around a year's end, some starting mid-month. */
function randomContracts(seed: number): PsaContractData {
  const { next, pick } = seededPicker(seed);
  const int = (n: number) => Math.floor(next() * n);
  const months = Array.from({ length: 15 }, (_, i) => {
    const at = new Date(Date.UTC(2025, 10 + i, 1));
    return at.toISOString().slice(0, 7);
  });
  const data: PsaContractData = {
    services: ["501", "502", "503"].map((psaId) => ({
      psaId,
      name: `S${psaId}`,
      unitPrice: 100n,
      isActive: true,
    })),
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  for (let c = 0; c < 40; c++) {
    const from = int(months.length);
    const to = from + int(months.length - from);
    const contract = {
      psaId: String(c),
      organizationPsaId: `A${int(12)}`,
      name: `C${c}`,
      startDate: `${months[from]}-${pick(["01", "15"])}`,
      endDate: `${months[to]}-${pick(["01", "14", "28"])}`,
    };
    data.contracts.push(contract);
    for (const servicePsaId of ["501", "502", "503"]) {
      if (int(3) === 0) continue;
      const line = {
        psaId: `${c}-${servicePsaId}`,
        contractPsaId: contract.psaId,
        servicePsaId,
        unitPrice: 90n,
      };
      data.contractServices.push(line);
      for (let m = from; m <= to; m++) {
        if (int(4) === 0) continue;
        data.contractServiceUnits.push({
          psaId: `${line.psaId}-${m}-${data.contractServiceUnits.length}`,
          contractPsaId: contract.psaId,
          contractServicePsaId: line.psaId,
          servicePsaId,
          startDate: `${months[m]}-${pick(["01", "01", "10"])}`,
          endDate: `${months[m]}-28`,
          units: int(20),
          approveAndPostDate: int(5) === 0 ? `${months[m]}-28` : null,
        });
      }
    }
  }
  data.contracts.sort((a, b) => (a.psaId < b.psaId ? -1 : 1));
  data.contractServices.sort((a, b) => (a.psaId < b.psaId ? -1 : 1));
  data.contractServiceUnits.sort((a, b) => (a.psaId < b.psaId ? -1 : 1));
  return data;
}

/** Everything a reconciliation asks the index of a period. */
function indexAnswers(data: PsaContractData, key: string) {
  const index = new PsaContractIndex(data, { key });
  const organizations = Array.from({ length: 12 }, (_, i) => `A${i}`);
  return {
    sides: organizations.flatMap((o) => ["501", "502", "503"].map((s) => index.sideFor(o, s))),
    contracts: organizations.map((o) => index.contractsOf(o)),
    billed: index.billedServices(),
  };
}

describe("PSA contract snapshot, read for one period", () => {
  const t = useTestContext();

  it("reads only the month's contracts and units, and the index answers as from the whole read", async () => {
    const repos = repositories(t.ctx.db);
    for (const seed of [1, 2, 3]) {
      const data = randomContracts(seed);
      await repos.psaContracts.replace({
        readAt: new Date("2026-11-20T03:00:00Z"),
        window: { from: "2025-11-01", to: "2027-01-31" },
        requestCount: 1,
        rejected: [],
        data,
      });
      const organizationIds = (await t.ctx.db.selectFrom("organizations").select("id").execute()).map(
        (o) => o.id,
      );
      for (const key of ["2025-11", "2025-12", "2026-01", "2026-06", "2026-12", "2027-01"]) {
        const read = (await repos.psaContracts.load({ period: { key } }))!.data;
        expect(indexAnswers(read, key), `seed ${seed}, ${key}`).toEqual(indexAnswers(data, key));
        expect(read.contractServiceUnits.every((u) => u.startDate.startsWith(key))).toBe(true);
        expect(read.contractServiceUnits.length).toBe(
          data.contractServiceUnits.filter(
            (u) =>
              u.startDate.startsWith(key) &&
              read.contractServices.some((l) => l.psaId === u.contractServicePsaId),
          ).length,
        );
        // With organizations as well (none known here: no contract of theirs).
        expect((await repos.psaContracts.load({ period: { key }, organizationIds }))!.data.contracts).toEqual(
          [],
        );
      }
    }
  });

  it("refuses a period key that is not a month", async () => {
    const repos = repositories(t.ctx.db);
    await repos.psaContracts.replace({
      readAt: new Date("2026-11-20T03:00:00Z"),
      window: { from: "2026-10-01", to: "2026-12-01" },
      requestCount: 1,
      rejected: [],
      data: DATA,
    });
    await expect(repos.psaContracts.load({ period: { key: "2026-11'; drop table x; --" } })).rejects.toThrow(
      /not a month key/,
    );
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
