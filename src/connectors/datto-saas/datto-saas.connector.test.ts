import { afterEach, describe, expect, it } from "vitest";
import { startDattoSaasServer } from "../../../test/vendors/datto-saas.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import type { ConnectorDeps } from "../connector.ts";
import { collectAll, collectFailure, reasons } from "../connector-test-support.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { createDattoSaasConnector } from "./datto-saas.connector.ts";
import { dattoSaasSettingsSchema } from "./datto-saas.settings.ts";

const SECRETS = { publicKey: "saas-public", secretKey: "saas-secret" };
let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function connector(url: string, settings: Record<string, unknown> = {}, deps: ConnectorDeps = fakeTime()) {
  const parsed = dattoSaasSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return createDattoSaasConnector(parsed, SECRETS, deps);
}

describe("Datto SaaS Protection connector", () => {
  it("turns customers into organizations and their domains into sub-organizations, with Basic auth", async () => {
    server = await startDattoSaasServer({ count: 4 });
    const result = await collectAll(connector(server.url));
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.externalId, r.name, r.parentExternalId])).toEqual([
      ["7000", "Acme Dental Inc. 1", null],
      ["7000:org1.example.com", "org1.example.com", "7000"],
      ["7000:mail.org1.example.com", "mail.org1.example.com", "7000"],
      ["7001", "Northwind Dental LLC 2", null],
      ["7001:org2.example.com", "org2.example.com", "7001"],
      ["7001:mail.org2.example.com", "mail.org2.example.com", "7001"],
    ]);
    expect(result.records[1]?.attributes).toEqual({
      productType: "Office365",
      seatsUsed: 0,
      retentionType: "Infinite Cloud Retention",
    });
    expect(result.records[0]?.attributes).toEqual({
      organizationId: "300",
      organizationName: "Acme Dental Inc. 1",
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("saas-public:saas-secret").toString("base64")}`,
    );
  });

  it("yields a large list in bounded pages", async () => {
    server = await startDattoSaasServer({ count: 2_500 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(2_500 + 1_250);
    expect(result.pages).toHaveLength(3);
  });

  it("reads an empty list as one empty page", async () => {
    server = await startDattoSaasServer({ count: 0 });
    const result = await collectAll(connector(server.url));
    expect(result.pages).toEqual([{ records: [], rejected: [] }]);
  });

  it("rejects rows without customer id or name, duplicate domains and overlong names", async () => {
    server = await startDattoSaasServer({
      count: 8,
      recordFaults: [
        { index: 1, kind: "duplicate-id" },
        { index: 2, kind: "no-id" },
        { index: 4, kind: "no-name" },
        { index: 6, kind: "long-name" },
      ],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.externalId)).toEqual([
      "7000",
      "7000:org1.example.com",
      "7001",
      "7001:mail.org2.example.com",
      "7002",
      "7002:mail.org3.example.com",
      "7003",
      "7003:mail.org4.example.com",
    ]);
    expect(reasons(result.rejected)).toEqual([
      "duplicate id: the same id appeared earlier in this sync",
      "saasCustomerId missing",
      "saasCustomerName missing",
      "saasCustomerName longer than 500 characters",
    ]);
  });

  it("keeps the customer but rejects a row without a domain", async () => {
    server = await startDattoSaasServer({
      records: [{ saasCustomerId: 1, saasCustomerName: "Solo", domain: " " }],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.externalId)).toEqual(["1"]);
    expect(reasons(result.rejected)).toEqual(["domain empty"]);
  });

  it("retries a 429 and a 500, then completes", async () => {
    server = await startDattoSaasServer({
      count: 2,
      faults: [{ fault: { kind: "429", retryAfter: "5" } }, { fault: { kind: "500" } }],
    });
    const time = fakeTime();
    const result = await collectAll(connector(server.url, {}, time));
    expect(result.records).toHaveLength(3);
    expect(time.sleeps[0]).toBe(5_000);
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after the bounded time, with the vendor's message", async () => {
    server = await startDattoSaasServer({
      count: 2,
      faults: [
        { times: Number.POSITIVE_INFINITY, fault: { kind: "500", message: "SaaS backend unavailable" } },
      ],
    });
    const { error } = await collectFailure(connector(server.url, { totalTimeoutMs: 3_000, maxAttempts: 20 }));
    expect(error.message).toMatch(
      /Datto SaaS Protection: gave up after the time limit of 3 s.*SaaS backend unavailable/,
    );
  });

  it("reports malformed JSON as a ConnectorError", async () => {
    server = await startDattoSaasServer({ count: 2, faults: [{ fault: { kind: "malformed" } }] });
    expect((await collectFailure(connector(server.url))).error.message).toContain("malformed JSON");
  });

  it("survives a request that hangs once", async () => {
    server = await startDattoSaasServer({ count: 2, faults: [{ fault: { kind: "hang-body" } }] });
    const result = await collectAll(connector(server.url, { requestTimeoutMs: 100 }));
    expect(result.records).toHaveLength(3);
  });

  it("reports wrong keys without repeating them", async () => {
    server = await startDattoSaasServer({ count: 2, secretKey: "other" });
    const { error } = await collectFailure(connector(server.url));
    expect(error.message).toContain("Invalid API credentials");
    expect(error.message).not.toContain("saas-secret");
  });
});
