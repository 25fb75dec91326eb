import { afterEach, describe, expect, it } from "vitest";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../../../test/vendors/autotask.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import type { ConnectorDeps } from "../connector.ts";
import { collectAll, collectFailure, reasons } from "../connector-test-support.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { createAutotaskConnector } from "./autotask.connector.ts";
import { autotaskSettingsSchema } from "./autotask.settings.ts";

let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function connector(url: string, settings: Record<string, unknown> = {}, deps: ConnectorDeps = fakeTime()) {
  const parsed = autotaskSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return createAutotaskConnector(parsed, AUTOTASK_TEST_CREDENTIALS, deps);
}

const company = (id: number, companyType: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  companyName: `Company ${id}`,
  companyType,
  isActive: true,
  parentCompanyID: null,
  ...extra,
});

describe("Autotask connector", () => {
  it("reads the type picklist once, queries with the largest page and follows nextPageUrl by GET", async () => {
    server = await startAutotaskServer({ count: 1_200 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(1_200);
    expect(result.rejected).toEqual([]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /V1.0/Companies/entityInformation/fields",
      "POST /V1.0/Companies/query",
      "GET /V1.0/Companies/query/next",
      "GET /V1.0/Companies/query/next",
    ]);
    const query = JSON.parse(server.requests[1]?.body ?? "{}");
    expect(query.MaxRecords).toBe(500);
    expect(query.filter).toEqual([{ op: "gte", field: "id", value: 0 }]);
    for (const request of server.requests) {
      expect(request.headers.apiintegrationcode).toBe(AUTOTASK_TEST_CREDENTIALS.apiIntegrationCode);
      expect(request.headers.username).toBe(AUTOTASK_TEST_CREDENTIALS.userName);
      expect(request.headers.secret).toBe(AUTOTASK_TEST_CREDENTIALS.secret);
    }
  });

  it("maps type labels, the active flag and the parent", async () => {
    server = await startAutotaskServer({ count: 25 });
    const { records } = await collectAll(connector(server.url));
    expect(records[0]).toEqual({
      psaId: "1000",
      name: "Acme Dental Inc. 1",
      type: "Customer",
      isActive: true,
      parentPsaId: null,
    });
    expect(records.slice(7, 10).map((r) => r.type)).toEqual(["Lead", "Prospect", "Vendor"]);
    expect(records.slice(17, 20).map((r) => r.type)).toEqual(["Dead", "Cancelation", "Partner"]);
    expect(records[12]?.isActive).toBe(false);
    expect(records[24]?.parentPsaId).toBe("1023");
  });

  it("takes type ids from the picklist, not from a hard-coded list", async () => {
    server = await startAutotaskServer({
      picklist: [
        { value: "11", label: "customer", isActive: true },
        { value: "12", label: "Cancellation", isActive: false },
        { value: "13", label: "Reseller", isActive: true },
      ],
      records: [company(1, 11), company(2, "12"), company(3, 13), company(4, 1), company(5, null)],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => [r.psaId, r.type])).toEqual([
      ["1", "Customer"],
      ["2", "Cancelation"],
    ]);
    expect(reasons(result.rejected)).toEqual([
      'company type "Reseller" (13) is not one of Customer, Lead, Prospect, Dead, Cancelation, Vendor, Partner',
      "companyType 1 is not in Autotask's company type list",
      "companyType missing",
    ]);
  });

  it("rejects companies without id, name or active flag, duplicates and overlong names", async () => {
    server = await startAutotaskServer({
      count: 7,
      recordFaults: [
        { index: 1, kind: "no-id" },
        { index: 2, kind: "no-name" },
        { index: 4, kind: "duplicate-id" },
        { index: 5, kind: "long-name" },
      ],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.psaId)).toEqual(["1000", "1003", "1006"]);
    expect(reasons(result.rejected)).toEqual([
      "id missing",
      "companyName missing",
      "duplicate id: the same id appeared earlier in this sync",
      "companyName longer than 500 characters",
    ]);
  });

  it("rejects a company whose isActive is missing", async () => {
    server = await startAutotaskServer({ records: [company(1, 1, { isActive: undefined }), company(2, 1)] });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.psaId)).toEqual(["2"]);
    expect(reasons(result.rejected)).toEqual(["isActive missing"]);
  });

  it("retries a 500 with an errors body and then completes", async () => {
    server = await startAutotaskServer({ count: 600, faults: [{ page: 2, fault: { kind: "500" } }] });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(600);
  });

  it("surfaces the text of Autotask's errors array when 500 persists", async () => {
    server = await startAutotaskServer({
      count: 10,
      faults: [
        {
          page: 1,
          times: Number.POSITIVE_INFINITY,
          fault: { kind: "500", message: "Timeout expired. The timeout period elapsed." },
        },
      ],
    });
    const { error } = await collectFailure(connector(server.url, { maxAttempts: 2 }));
    expect(error.message).toContain("Autotask: HTTP 500 from POST /V1.0/Companies/query");
    expect(error.message).toContain("Timeout expired. The timeout period elapsed.");
  });

  it("honours a Retry-After given as an HTTP date", async () => {
    const time = fakeTime();
    const retryAt = new Date(time.now() + 30_000).toUTCString();
    server = await startAutotaskServer({
      count: 600,
      faults: [{ page: 2, fault: { kind: "429", retryAfter: retryAt } }],
    });
    const result = await collectAll(connector(server.url, {}, time));
    expect(result.records).toHaveLength(600);
    expect(time.sleeps).toHaveLength(1);
    expect(time.sleeps[0]).toBeGreaterThan(29_000);
    expect(time.sleeps[0]).toBeLessThanOrEqual(30_000);
  });

  it("gives up after the bounded total time", async () => {
    server = await startAutotaskServer({
      count: 10,
      faults: [
        {
          path: "/V1.0/Companies/entityInformation",
          times: Number.POSITIVE_INFINITY,
          fault: { kind: "429", retryAfter: "10" },
        },
      ],
    });
    const { error } = await collectFailure(
      connector(server.url, { totalTimeoutMs: 35_000, maxAttempts: 20 }),
    );
    expect(error.message).toMatch(/^Autotask: gave up after the time limit of 35 s/);
    expect(server.requests).toHaveLength(4);
  });

  it("reports malformed JSON on a next page as a ConnectorError", async () => {
    server = await startAutotaskServer({ count: 1_200, faults: [{ page: 3, fault: { kind: "malformed" } }] });
    const { error, pagesBefore } = await collectFailure(connector(server.url));
    expect(error.message).toContain("malformed JSON from GET /V1.0/Companies/query/next");
    expect(pagesBefore).toBe(2);
  });

  it("retries a next page that never answers", async () => {
    server = await startAutotaskServer({ count: 600, faults: [{ page: 2, fault: { kind: "hang" } }] });
    const result = await collectAll(connector(server.url, { requestTimeoutMs: 100 }));
    expect(result.records).toHaveLength(600);
    expect(server.requests.filter((r) => r.fault === "hang")).toHaveLength(1);
  });

  it("reports wrong credentials without repeating any of them", async () => {
    server = await startAutotaskServer({
      count: 1,
      credentials: { ...AUTOTASK_TEST_CREDENTIALS, secret: "other" },
    });
    const { error } = await collectFailure(connector(server.url));
    expect(error.details.status).toBe(401);
    expect(error.message).toContain("invalid credentials");
    for (const value of Object.values(AUTOTASK_TEST_CREDENTIALS)) expect(error.message).not.toContain(value);
  });
});
