import { afterEach, describe, expect, it } from "vitest";
import { startDattoSaasServer } from "../../../test/vendors/datto-saas.server.ts";
import type { Fault, VendorServer } from "../../../test/vendors/vendor-server.ts";
import { ledgerInputs, type UsageReadResult } from "../../domain/billing/usage-read.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { dattoSaasSettingsSchema } from "./datto-saas.settings.ts";
import { readDattoSaasUsage, seatsByCustomer } from "./datto-saas-usage.ts";

let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const domain = (customer: number, name: string, productType: unknown, seatsUsed: unknown) => ({
  saasCustomerId: customer,
  saasCustomerName: `Customer ${customer}`,
  domain: name,
  productType,
  seatsUsed,
});

const ROWS = [
  domain(7000, "acme.example", "Office365", 40),
  domain(7000, "acme-mail.example", "Office365", 5),
  domain(7000, "acme.google.example", "GoogleApps", 12),
  domain(7001, "beta.example", "Office365", 0),
  domain(7002, "gamma.example", "Box", 3),
  domain(7002, "gamma2.example", undefined, 2),
];

const table = (readings: ReturnType<typeof seatsByCustomer>["readings"]) =>
  Object.fromEntries(readings.map((r) => [`${r.externalId} ${r.billingType}`, r.quantity]));

describe("SaaS Protection seats", () => {
  it("sums each customer's domains, in total and per product type", () => {
    const { readings, rejected } = seatsByCustomer(ROWS);
    expect(table(readings)).toEqual({
      "7000 seats": 57,
      "7000 seats.office365": 45,
      "7000 seats.googleapps": 12,
      "7001 seats": 0,
      "7001 seats.office365": 0,
      "7001 seats.googleapps": 0,
      "7002 seats": 5,
      "7002 seats.office365": 0,
      "7002 seats.googleapps": 0,
      "7002 seats.box": 3,
    });
    expect(rejected).toEqual([]);
  });

  it("makes a customer's seats unknown when one of its domains has no readable count, never a smaller sum", () => {
    const { readings, rejected } = seatsByCustomer([
      domain(7000, "acme.example", "Office365", 40),
      domain(7000, "broken.example", "Office365", "many"),
      domain(7001, "beta.example", "Office365", 4),
      { domain: "orphan.example", seatsUsed: 1 },
      "junk",
    ]);
    expect(table(readings)).toMatchObject({
      "7000 seats": null,
      "7000 seats.office365": null,
      "7001 seats": 4,
    });
    expect(readings.find((r) => r.externalId === "7000")).toMatchObject({
      reason: "failed",
      detail: 'domain broken.example: seatsUsed "many" is not a number',
    });
    expect(rejected.map((r) => r.reason)).toEqual([
      'domain broken.example: seatsUsed "many" is not a number',
      "saasCustomerId missing",
      "not an object",
    ]);
  });
});

describe("SaaS Protection usage read", () => {
  const read = (url: string, settings: Record<string, unknown> = {}) =>
    readDattoSaasUsage(
      dattoSaasSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings }),
      { publicKey: "saas-public", secretKey: "saas-secret" },
      fakeTime(),
    );

  it("reads the domain list once and sums it", async () => {
    server = await startDattoSaasServer({ records: ROWS });
    const result = await read(server.url);
    expect(result.kind === "complete" && table(result.readings)["7000 seats"]).toBe(57);
    expect(result.requestCount).toBe(1);
  });

  it("retries a 429 and then reads", async () => {
    server = await startDattoSaasServer({
      records: ROWS,
      faults: [{ fault: { kind: "429", retryAfter: "3" } }],
    });
    const result = await read(server.url);
    expect(result.kind).toBe("complete");
    expect(result.requestCount).toBe(2);
  });

  const faults: [string, Fault, Record<string, unknown>][] = [
    ["a 500 that persists", { kind: "500" }, { maxAttempts: 2 }],
    ["bad JSON", { kind: "malformed" }, {}],
    ["a body that stalls", { kind: "hang-body" }, { requestTimeoutMs: 50, maxAttempts: 2 }],
  ];
  for (const [name, fault, settings] of faults) {
    it(`turns ${name} into a failed read: every customer's seats unknown, never 0`, async () => {
      server = await startDattoSaasServer({
        records: ROWS,
        faults: [{ fault, times: Number.POSITIVE_INFINITY }],
      });
      const result: UsageReadResult = await read(server.url, settings);
      expect(result.kind).toBe("failed");
      const { inputs } = ledgerInputs(result, [{ externalId: "7000", billingTypes: ["seats"] }], new Date());
      expect(inputs[0]?.reading).toMatchObject({ quantity: null, reason: "failed" });
    });
  }
});
