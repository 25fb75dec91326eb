import { afterEach, describe, expect, it } from "vitest";
import { startItGlueServer } from "../../../test/vendors/itglue.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import type { ConnectorDeps } from "../connector.ts";
import { collectAll, collectFailure, reasons } from "../connector-test-support.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { MAX_RAW_CHARS } from "../record-checks.ts";
import { createItGlueConnector } from "./itglue.connector.ts";
import { itGlueSettingsSchema } from "./itglue.settings.ts";

const API_KEY = "itg-test-key";
let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function connector(url: string, settings: Record<string, unknown> = {}, deps: ConnectorDeps = fakeTime()) {
  const parsed = itGlueSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return createItGlueConnector(parsed, { apiKey: API_KEY }, deps);
}

describe("IT Glue connector", () => {
  it("reads every page with page[size]=1000 and sends x-api-key", async () => {
    server = await startItGlueServer({ count: 2_500 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(2_500);
    expect(result.rejected).toEqual([]);
    expect(server.requests.map((r) => r.query["page[number]"])).toEqual(["1", "2", "3"]);
    expect(server.requests.every((r) => r.query["page[size]"] === "1000")).toBe(true);
    expect(server.requests.every((r) => r.headers["x-api-key"] === API_KEY)).toBe(true);
    expect(result.records[0]).toEqual({
      externalId: "5000",
      name: "Acme Dental Inc. 1",
      parentExternalId: null,
      attributes: {
        shortName: "org1",
        organizationTypeName: "Customer",
        organizationStatusName: "Active",
        primaryDomain: "org1.example.com",
      },
    });
  });

  it("reads an empty account as one empty page", async () => {
    server = await startItGlueServer({ count: 0 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("waits for Retry-After after a 429 and then completes", async () => {
    server = await startItGlueServer({
      count: 1_500,
      faults: [{ page: 2, fault: { kind: "429", retryAfter: "7" } }],
    });
    const time = fakeTime();
    const result = await collectAll(connector(server.url, {}, time));
    expect(result.records).toHaveLength(1_500);
    expect(time.sleeps).toEqual([7_000]);
    expect(server.requests.map((r) => r.fault ?? "ok")).toEqual(["ok", "429", "ok"]);
  });

  it("retries a 500 and then completes", async () => {
    server = await startItGlueServer({
      count: 1_500,
      faults: [{ page: 1, times: 2, fault: { kind: "500" } }],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(1_500);
    expect(server.requests).toHaveLength(4);
  });

  it("gives up with the vendor's error text when 500 persists", async () => {
    server = await startItGlueServer({
      count: 1_500,
      faults: [{ page: 2, times: Number.POSITIVE_INFINITY, fault: { kind: "500", message: "Backend down" } }],
    });
    const { error, pagesBefore } = await collectFailure(connector(server.url, { maxAttempts: 3 }));
    expect(error.message).toContain("IT Glue: HTTP 500");
    expect(error.message).toContain("Backend down");
    expect(error.details.attempts).toBe(3);
    expect(pagesBefore).toBe(1);
  });

  it("gives up after the bounded total time when 429s never stop", async () => {
    server = await startItGlueServer({
      count: 10,
      faults: [{ page: 1, times: Number.POSITIVE_INFINITY, fault: { kind: "429", retryAfter: "2" } }],
    });
    const time = fakeTime();
    const { error } = await collectFailure(
      connector(server.url, { totalTimeoutMs: 9_000, maxAttempts: 20 }, time),
    );
    expect(error.message).toMatch(/gave up after the time limit of 9 s.*HTTP 429/);
    expect(time.sleeps).toEqual([2_000, 2_000, 2_000, 2_000]);
  });

  it("reports malformed JSON as a ConnectorError", async () => {
    server = await startItGlueServer({ count: 1_500, faults: [{ page: 2, fault: { kind: "malformed" } }] });
    const { error, pagesBefore } = await collectFailure(connector(server.url));
    expect(error.message).toContain("malformed JSON");
    expect(pagesBefore).toBe(1);
  });

  it("abandons a page that never answers and reads it again", async () => {
    server = await startItGlueServer({ count: 1_500, faults: [{ page: 2, fault: { kind: "hang" } }] });
    const result = await collectAll(connector(server.url, { requestTimeoutMs: 100 }));
    expect(result.records).toHaveLength(1_500);
    expect(server.requests.map((r) => r.fault ?? "ok")).toEqual(["ok", "hang", "ok"]);
  });

  it("fails with a timeout when a page never answers at all", async () => {
    server = await startItGlueServer({
      count: 10,
      faults: [{ page: 1, times: Number.POSITIVE_INFINITY, fault: { kind: "hang-body" } }],
    });
    const { error } = await collectFailure(connector(server.url, { requestTimeoutMs: 50, maxAttempts: 2 }));
    expect(error.message).toContain("no answer within 50 ms");
    expect(server.requests).toHaveLength(2);
  });

  it("rejects records without id or name, duplicates and overlong names, keeping the good ones", async () => {
    server = await startItGlueServer({
      count: 8,
      recordFaults: [
        { index: 1, kind: "no-id" },
        { index: 2, kind: "no-name" },
        { index: 4, kind: "duplicate-id" },
        { index: 6, kind: "long-name" },
      ],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.externalId)).toEqual(["5000", "5003", "5005", "5007"]);
    expect(reasons(result.rejected)).toEqual([
      "id missing",
      "name missing",
      "duplicate id: the same id appeared earlier in this sync",
      "name longer than 500 characters",
    ]);
    expect(JSON.stringify(result.rejected[3]?.raw).length).toBeLessThan(MAX_RAW_CHARS + 200);
  });

  it("reports a wrong API key without repeating it", async () => {
    server = await startItGlueServer({ count: 1, apiKey: "the-right-key" });
    const { error } = await collectFailure(connector(server.url));
    expect(error.details.status).toBe(401);
    expect(error.message).toContain("Unauthorized");
    expect(error.message).not.toContain(API_KEY);
  });
});

describe("IT Glue connector, cancellation", () => {
  it("stops with a ConnectorError when the caller aborts between pages", async () => {
    server = await startItGlueServer({ count: 3_000 });
    const controller = new AbortController();
    const pages: number[] = [];
    const read = async () => {
      for await (const page of connector(server!.url).fetchAll({ signal: controller.signal })) {
        pages.push(page.records.length);
        controller.abort();
      }
    };
    await expect(read()).rejects.toThrow("IT Glue: read cancelled");
    expect(pages).toEqual([1_000]);
    expect(server.requests).toHaveLength(1);
  });
});
