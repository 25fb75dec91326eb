import { afterEach, describe, expect, it } from "vitest";
import { startDattoRmmServer } from "../../../test/vendors/datto-rmm.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import type { ConnectorDeps } from "../connector.ts";
import { collectAll, collectFailure, reasons } from "../connector-test-support.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { createDattoRmmConnector } from "./datto-rmm.connector.ts";
import { dattoRmmSettingsSchema } from "./datto-rmm.settings.ts";

const SECRETS = { apiKey: "rmm-key", apiSecret: "rmm-secret" };
let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function connector(url: string, settings: Record<string, unknown> = {}, deps: ConnectorDeps = fakeTime()) {
  const parsed = dattoRmmSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return createDattoRmmConnector(parsed, SECRETS, deps);
}

const sitesRequests = (s: VendorServer) => s.requests.filter((r) => r.path === "/api/v2/account/sites");
const tokenRequests = (s: VendorServer) => s.requests.filter((r) => r.path === "/auth/oauth/token");

describe("Datto RMM connector", () => {
  it("gets a token by password grant, follows nextPageUrl to the end and skips Deleted Devices", async () => {
    server = await startDattoRmmServer({ count: 600 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(600);
    expect(result.rejected).toEqual([]);
    expect(result.records.some((r) => r.name === "Deleted Devices")).toBe(false);
    expect(sitesRequests(server).map((r) => r.query.page)).toEqual(["0", "1", "2"]);
    expect(sitesRequests(server).every((r) => r.query.max === "250")).toBe(true);
    expect(sitesRequests(server).every((r) => r.headers.authorization === "Bearer token-1")).toBe(true);
    const [token] = tokenRequests(server);
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from("public-client:public").toString("base64")}`,
    );
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: "password",
      username: "rmm-key",
      password: "rmm-secret",
    });
  });

  it("keeps the site uid as external id and autotaskCompanyId as evidence", async () => {
    server = await startDattoRmmServer({ count: 2 });
    const { records } = await collectAll(connector(server.url));
    expect(records[0]).toEqual({
      externalId: "site-00000000",
      name: "Acme Dental Inc. 1",
      parentExternalId: null,
      attributes: { siteId: "100", autotaskCompanyId: "1000", autotaskCompanyName: "Acme Dental Inc. 1" },
    });
    expect(records[1]?.attributes).toEqual({ siteId: "101" });
  });

  it("reuses its token for a second read", async () => {
    server = await startDattoRmmServer({ count: 10 });
    const rmm = connector(server.url);
    await collectAll(rmm);
    await collectAll(rmm);
    expect(tokenRequests(server)).toHaveLength(1);
    expect(sitesRequests(server)).toHaveLength(2);
  });

  it("renews the token once when the API answers 401 mid-run", async () => {
    server = await startDattoRmmServer({ count: 600, tokenValidForRequests: 2 });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(600);
    expect(tokenRequests(server)).toHaveLength(2);
  });

  it("reports bad credentials in the vendor's words without the secrets", async () => {
    server = await startDattoRmmServer({ count: 1, apiSecret: "another" });
    const { error } = await collectFailure(connector(server.url));
    expect(error.message).toContain("Bad credentials");
    expect(error.message).not.toContain("rmm-secret");
    expect(error.message).not.toContain("rmm-key");
  });

  it("waits for Retry-After on a 429 and completes", async () => {
    server = await startDattoRmmServer({
      count: 300,
      faults: [{ page: 2, fault: { kind: "429", retryAfter: "60" } }],
    });
    const time = fakeTime();
    const result = await collectAll(connector(server.url, {}, time));
    expect(result.records).toHaveLength(300);
    expect(time.sleeps).toEqual([60_000]);
  });

  it("retries a 500 on the token endpoint", async () => {
    server = await startDattoRmmServer({ count: 5, faults: [{ path: "/auth", fault: { kind: "500" } }] });
    const result = await collectAll(connector(server.url));
    expect(result.records).toHaveLength(5);
    expect(tokenRequests(server)).toHaveLength(2);
  });

  it("gives up after the bounded time when 503s persist", async () => {
    server = await startDattoRmmServer({
      count: 5,
      faults: [
        {
          page: 1,
          times: Number.POSITIVE_INFINITY,
          fault: { kind: "500", status: 503, message: "Maintenance" },
        },
      ],
    });
    const { error } = await collectFailure(
      connector(server.url, { totalTimeoutMs: 20_000, maxAttempts: 20 }),
    );
    expect(error.message).toMatch(/time limit of 20 s.*HTTP 503.*Maintenance/);
  });

  it("reports malformed JSON as a ConnectorError", async () => {
    server = await startDattoRmmServer({ count: 5, faults: [{ page: 1, fault: { kind: "malformed" } }] });
    const { error } = await collectFailure(connector(server.url));
    expect(error.message).toContain("Datto RMM: malformed JSON");
  });

  it("survives a page that never answers and a cut connection", async () => {
    server = await startDattoRmmServer({
      count: 600,
      faults: [
        { page: 2, fault: { kind: "hang" } },
        { page: 3, fault: { kind: "reset" } },
      ],
    });
    const result = await collectAll(connector(server.url, { requestTimeoutMs: 100 }));
    expect(result.records).toHaveLength(600);
    expect(sitesRequests(server).map((r) => r.fault ?? "ok")).toEqual(["ok", "hang", "ok", "reset", "ok"]);
  });

  it("rejects broken sites with reasons and keeps the good ones", async () => {
    server = await startDattoRmmServer({
      count: 6,
      recordFaults: [
        { index: 0, kind: "long-name" },
        { index: 2, kind: "no-name" },
        { index: 5, kind: "duplicate-id" },
      ],
    });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.externalId)).toEqual([
      "site-00000001",
      "site-00000003",
      "site-00000004",
    ]);
    expect(reasons(result.rejected)).toEqual([
      "name longer than 500 characters",
      "name missing",
      "duplicate id: the same id appeared earlier in this sync",
    ]);
  });

  it("falls back to the numeric id when a site has no uid", async () => {
    server = await startDattoRmmServer({ records: [{ id: 42, name: "No Uid Site" }, { name: "Nothing" }] });
    const result = await collectAll(connector(server.url));
    expect(result.records.map((r) => r.externalId)).toEqual(["42"]);
    expect(reasons(result.rejected)).toEqual(["id missing"]);
  });
});
