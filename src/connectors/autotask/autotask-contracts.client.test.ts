import { afterEach, describe, expect, it } from "vitest";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../../../test/vendors/autotask.server.ts";
import { generatedAutotaskContracts } from "../../../test/vendors/autotask-contracts.generated.ts";
import type { AutotaskContractsData } from "../../../test/vendors/autotask-contracts.server.ts";
import type { FaultRule, VendorServer } from "../../../test/vendors/vendor-server.ts";
import { formatDecimal } from "../../domain/billing/money.ts";
import { billingPeriod } from "../../domain/billing/period.ts";
import type { ConnectorDeps } from "../connector.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { autotaskSettingsSchema } from "./autotask.settings.ts";
import { contractsWindow, IN_CHUNK, readAutotaskContracts } from "./autotask-contracts.client.ts";

let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const window = contractsWindow(billingPeriod(2026, 11, "Europe/Berlin"));

const contract = (id: number, companyID: number, extra: Record<string, unknown> = {}) => ({
  id,
  companyID,
  contractName: `Managed services ${companyID}`,
  contractType: 7,
  status: 1,
  startDate: "2026-01-01T00:00:00Z",
  endDate: "2026-12-31T00:00:00Z",
  ...extra,
});
const unit = (
  id: number,
  contractID: number,
  contractServiceID: number,
  month: string,
  units: unknown,
  extra = {},
) => ({
  id,
  contractID,
  contractServiceID,
  serviceID: 501,
  startDate: `2026-${month}-01T00:00:00Z`,
  endDate: `2026-${month}-${month === "11" || month === "09" ? "30" : "31"}T00:00:00Z`,
  units,
  approveAndPostDate: null,
  ...extra,
});

const DATA: AutotaskContractsData = {
  contracts: [
    contract(1, 1000),
    contract(2, 1001),
    contract(3, 1002, { contractType: 1 }), // time and materials: no services to bill
    contract(4, 1003, { status: 0 }), // inactive
    contract(5, 1004, { endDate: "2026-09-30T00:00:00Z" }), // ended before the window
    contract(6, 1005, { startDate: "2026-12-01T00:00:00Z", endDate: "2027-11-30T00:00:00Z" }), // starts after
  ],
  contractServices: [
    { id: 11, contractID: 1, serviceID: 501, unitPrice: 15.98 },
    { id: 12, contractID: 2, serviceID: 501, unitPrice: null },
    { id: 13, contractID: 4, serviceID: 501, unitPrice: 3 },
  ],
  contractServiceUnits: [
    unit(101, 1, 11, "09", 5),
    unit(102, 1, 11, "10", 7, { approveAndPostDate: "2026-11-02T09:00:00Z" }),
    unit(103, 1, 11, "11", 8),
    unit(104, 2, 12, "11", 3),
    unit(105, 2, 12, "10", -1),
  ],
  services: [
    { id: 501, name: "Managed Workstation", unitPrice: 16, isActive: true },
    { id: 502, name: "Unused service", unitPrice: 1, isActive: true },
  ],
};

function read(url: string, deps: ConnectorDeps = fakeTime(), settings: Record<string, unknown> = {}) {
  const parsed = autotaskSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return readAutotaskContracts(parsed, AUTOTASK_TEST_CREDENTIALS, window, deps);
}

async function start(data: AutotaskContractsData = DATA, faults: FaultRule[] = [], maxPageSize?: number) {
  server = await startAutotaskServer({ contracts: data, faults, maxPageSize });
  return server;
}

describe("Autotask contracts read", () => {
  it("covers the previous and the current period", () => {
    expect(window).toEqual({ from: "2026-10-01", to: "2026-12-01" });
  });

  it("reads active recurring contracts, their services, their units in the window and the services named", async () => {
    const at = await start();
    const result = await read(at.url);
    if (result.kind !== "complete") throw result.error;
    expect(result.data.contracts.map((c) => [c.psaId, c.organizationPsaId, c.startDate, c.endDate])).toEqual([
      ["1", "1000", "2026-01-01", "2026-12-31"],
      ["2", "1001", "2026-01-01", "2026-12-31"],
    ]);
    expect(result.data.contractServices.map((s) => [s.psaId, s.contractPsaId, s.servicePsaId])).toEqual([
      ["11", "1", "501"],
      ["12", "2", "501"],
    ]);
    expect(formatDecimal(result.data.contractServices[0]!.unitPrice!)).toBe("15.98");
    expect(result.data.contractServices[1]!.unitPrice).toBeNull();
    expect(
      result.data.contractServiceUnits.map((u) => [u.psaId, u.startDate, u.units, u.approveAndPostDate]),
    ).toEqual([
      ["102", "2026-10-01", 7, "2026-11-02"],
      ["103", "2026-11-01", 8, null],
      ["104", "2026-11-01", 3, null],
    ]);
    expect(result.data.services.map((s) => s.name)).toEqual(["Managed Workstation"]);
    expect(result.rejected.map((r) => r.reason)).toEqual(["contract service unit 105: units -1 is negative"]);
  });

  it("counts its requests, and spends one query per entity when everything fits a page", async () => {
    const at = await start();
    const result = await read(at.url);
    expect(at.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /V1.0/Contracts/entityInformation/fields",
      "POST /V1.0/Contracts/query",
      "POST /V1.0/ContractServices/query",
      "POST /V1.0/ContractServiceUnits/query",
      "POST /V1.0/Services/query",
    ]);
    expect(result.requestCount).toBe(5);
    const query = JSON.parse(at.requests[1]!.body);
    expect(query.MaxRecords).toBe(500);
    expect(query.filter).toEqual([
      { op: "eq", field: "contractType", value: 7 },
      { op: "eq", field: "status", value: 1 },
      { op: "lt", field: "startDate", value: "2026-12-01" },
      { op: "gte", field: "endDate", value: "2026-10-01" },
    ]);
    for (const request of at.requests) expect(request.headers.secret).toBe(AUTOTASK_TEST_CREDENTIALS.secret);
  });

  it("takes the recurring type and the active status from the picklists, not from fixed numbers", async () => {
    const at = await start({
      ...DATA,
      contracts: [contract(1, 1000, { contractType: 70, status: 10 }), contract(2, 1001)],
      contractTypes: [{ value: "70", label: "Recurring Service", isActive: true }],
      contractStatuses: [{ value: "10", label: "Active", isActive: true }],
    });
    const result = await read(at.url);
    expect(result.kind === "complete" && result.data.contracts.map((c) => c.psaId)).toEqual(["1"]);
  });

  it("follows nextPageUrl and asks for children in chunks of contract ids", async () => {
    const contracts = Array.from({ length: IN_CHUNK + 50 }, (_, index) => contract(index + 1, 2000 + index));
    const contractServices = contracts.map((c) => ({
      id: 10_000 + c.id,
      contractID: c.id,
      serviceID: 501,
      unitPrice: 2,
    }));
    const at = await start({ ...DATA, contracts, contractServices, contractServiceUnits: [] }, [], 100);
    const result = await read(at.url);
    if (result.kind !== "complete") throw result.error;
    expect(result.data.contracts).toHaveLength(IN_CHUNK + 50);
    expect(result.data.contractServices).toHaveLength(IN_CHUNK + 50);
    const paths = at.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.startsWith("GET /V1.0/Contracts/query/next"))).toHaveLength(2);
    expect(paths.filter((p) => p === "POST /V1.0/ContractServices/query")).toHaveLength(2);
    expect(result.requestCount).toBe(at.requests.length);
  });

  it("retries a 429 (honouring Retry-After) and a 500, and counts the retries", async () => {
    const time = fakeTime();
    const at = await start(DATA, [
      { path: "/V1.0/ContractServices/query", fault: { kind: "429", retryAfter: "7" } },
      { path: "/V1.0/ContractServiceUnits/query", fault: { kind: "500" } },
    ]);
    const result = await read(at.url, time);
    expect(result.kind).toBe("complete");
    expect(result.requestCount).toBe(7);
    expect(time.sleeps[0]).toBe(7_000);
  });

  it("comes back failed, with the requests spent, on bad JSON", async () => {
    const at = await start(DATA, [
      { path: "/V1.0/ContractServiceUnits/query", fault: { kind: "malformed" } },
    ]);
    const result = await read(at.url);
    expect(result.kind).toBe("failed");
    expect(result.kind === "failed" && result.error.message).toContain(
      "malformed JSON from POST /V1.0/ContractServiceUnits/query",
    );
    expect(result.requestCount).toBe(4);
  });

  it("comes back failed when the PSA keeps hanging", async () => {
    const at = await start(DATA, [
      { path: "/V1.0/Contracts/query", times: Number.POSITIVE_INFINITY, fault: { kind: "hang" } },
    ]);
    // A timeout long enough that the picklist read never times out on a loaded CI machine; the
    // hanging query is tried exactly maxAttempts times and every request sent is counted.
    const result = await read(at.url, fakeTime(), { requestTimeoutMs: 400, maxAttempts: 2 });
    expect(result.kind === "failed" && result.error.message).toMatch(
      /no answer within 400 ms to POST \/V1.0\/Contracts\/query/,
    );
    expect(at.requests.filter((r) => r.path === "/V1.0/Contracts/query")).toHaveLength(2);
    expect(result.requestCount).toBe(at.requests.length);
  });

  it("comes back failed when the picklist has no recurring contract type", async () => {
    const at = await start({
      ...DATA,
      contractTypes: [{ value: "1", label: "Time and Materials", isActive: true }],
    });
    const result = await read(at.url);
    expect(result.kind === "failed" && result.error.message).toBe(
      'Autotask: the Contracts field contractType has no picklist value "Recurring Service" or "Recurring Services"',
    );
  });

  it("rejects records it cannot use, with the reason", async () => {
    const at = await start({
      ...DATA,
      contracts: [
        contract(1, 1000),
        { ...contract(2, 1001), companyID: null },
        { ...contract(3, 1002), endDate: "soon" },
      ],
      contractServiceUnits: [
        unit(103, 1, 11, "11", 2.5),
        { ...unit(104, 1, 11, "11", 1), contractServiceID: undefined },
      ],
    });
    const result = await read(at.url);
    expect(result.kind === "complete" && result.rejected.map((r) => r.reason)).toEqual([
      "companyID missing",
      "contract 3: endDate missing or not a date",
      "contract service unit 103: units 2.5 is not a whole number",
      "contractServiceID missing",
    ]);
  });
});

describe("Autotask contracts read of the generated companies", () => {
  it("meets every PSA situation the reconciliation needs", async () => {
    const at = await start(generatedAutotaskContracts(60, "2026-10", "2026-11"));
    const result = await read(at.url);
    if (result.kind !== "complete") throw result.error;
    const { contracts, contractServices, contractServiceUnits, services } = result.data;
    expect(result.rejected).toEqual([]);
    expect(contracts.length).toBeGreaterThan(20);
    expect(contracts.some((c) => c.organizationPsaId === "1004")).toBe(false); // every 5th: no contract
    const withDevices = new Set(
      contractServices.filter((s) => s.servicePsaId === "501").map((s) => s.contractPsaId),
    );
    expect(contracts.some((c) => !withDevices.has(c.psaId))).toBe(true); // service not on the contract
    expect(contractServices.some((s) => s.unitPrice === null)).toBe(true); // money unknown
    expect(contractServiceUnits).toHaveLength(contractServices.length * 2);
    expect(contractServiceUnits.filter((u) => u.approveAndPostDate !== null)).toHaveLength(
      contractServices.length,
    );
    expect(services.map((s) => s.psaId).sort()).toEqual(["501", "502"]);
  });
});
