import { afterEach, describe, expect, it } from "vitest";
import { type DattoRmmServerOptions, startDattoRmmServer } from "../../../test/vendors/datto-rmm.server.ts";
import { dattoRmmDevice, generatedDattoRmmDevices } from "../../../test/vendors/datto-rmm-usage.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import { ledgerInputs, type UsageReadResult } from "../../domain/billing/usage-read.ts";
import type { ConnectorDeps } from "../connector.ts";
import { fakeTime } from "../http/http-test-support.ts";
import { dattoRmmSettingsSchema } from "./datto-rmm.settings.ts";
import {
  type DattoRmmUsageScope,
  type DattoRmmUsageSettings,
  dattoRmmUsageScope,
  readDattoRmmUsage,
} from "./datto-rmm-usage.client.ts";

let server: VendorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SITE_0 = "site-00000000";
const SITE_1 = "site-00000001";
const SITE_2 = "site-00000002";

// Site 0: 8 devices (desktops twice, an "Unknown", plus a deleted one); site 1: 3; site 2: none;
// one device in Datto's own Deleted Devices site, which is no one's usage.
const DEVICES = [
  ...Array.from({ length: 8 }, (_, index) => dattoRmmDevice(SITE_0, index)),
  dattoRmmDevice(SITE_0, 8, { deleted: true }),
  ...Array.from({ length: 3 }, (_, index) => dattoRmmDevice(SITE_1, 10 + index)),
  dattoRmmDevice("deleted-devices-site", 20),
];

async function start(options: DattoRmmServerOptions = {}) {
  server = await startDattoRmmServer({ count: 3, usage: { devices: DEVICES }, ...options });
  return server;
}

function read(
  url: string,
  usage: DattoRmmUsageSettings = {},
  deps: ConnectorDeps = fakeTime(),
  settings = {},
  scope?: DattoRmmUsageScope,
) {
  const parsed = dattoRmmSettingsSchema.parse({ baseUrl: url, requestTimeoutMs: 2_000, ...settings });
  return readDattoRmmUsage(
    parsed,
    usage,
    { apiKey: "rmm-key", apiSecret: "rmm-secret" },
    deps,
    undefined,
    scope,
  );
}

const TOTALS_ONLY: DattoRmmUsageScope = { categories: false };

/** A raw site as Datto lists it, with the devicesStatus given (undefined: the field is absent). */
const rawSite = (uid: string, devicesStatus?: unknown) => ({
  id: 1,
  uid,
  name: `Site ${uid}`,
  description: "",
  onDemand: false,
  ...(devicesStatus === undefined ? {} : { devicesStatus }),
});
const status = (numberOfDevices: unknown) => ({
  numberOfDevices,
  numberOfOnlineDevices: 0,
  numberOfOfflineDevices: 0,
});
const paths = (at: VendorServer) => at.requests.map((r) => `${r.method} ${r.path}`);

function counts(result: UsageReadResult): Record<string, number | null> {
  if (result.kind !== "complete") throw new Error(result.error);
  return Object.fromEntries(result.readings.map((r) => [`${r.externalId} ${r.billingType}`, r.quantity]));
}

describe("Datto RMM usage read", () => {
  it("counts each site's devices, in total and per category, leaving out deleted devices", async () => {
    const at = await start();
    const result = await read(at.url);
    expect(counts(result)).toEqual({
      [`${SITE_0} devices`]: 8,
      [`${SITE_0} devices.desktop`]: 2,
      [`${SITE_0} devices.laptop`]: 1,
      [`${SITE_0} devices.server`]: 1,
      [`${SITE_0} devices.network_device`]: 1,
      [`${SITE_0} devices.printer`]: 1,
      [`${SITE_0} devices.esxi_host`]: 1,
      [`${SITE_1} devices`]: 3,
      [`${SITE_1} devices.desktop`]: 0,
      [`${SITE_1} devices.laptop`]: 1,
      [`${SITE_1} devices.server`]: 1,
      [`${SITE_1} devices.network_device`]: 1,
      [`${SITE_1} devices.printer`]: 0,
      [`${SITE_1} devices.esxi_host`]: 0,
      // A site without devices reads 0: the device list was read whole.
      [`${SITE_2} devices`]: 0,
      [`${SITE_2} devices.desktop`]: 0,
      [`${SITE_2} devices.laptop`]: 0,
      [`${SITE_2} devices.server`]: 0,
      [`${SITE_2} devices.network_device`]: 0,
      [`${SITE_2} devices.printer`]: 0,
      [`${SITE_2} devices.esxi_host`]: 0,
    });
    expect(at.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /auth/oauth/token",
      "GET /api/v2/account/sites",
      "GET /api/v2/account/devices",
    ]);
    expect(result.requestCount).toBe(3);
  });

  it("leaves out the devices of the named not-billable filter", async () => {
    const at = await start({
      usage: {
        devices: DEVICES,
        customFilters: [
          { id: 11, name: "Servers", deviceUids: [] },
          { id: 12, name: "Not billable", deviceUids: [`${SITE_0}-device-0`, `${SITE_1}-device-10`] },
        ],
      },
    });
    const result = counts(await read(at.url, { notBillableFilterName: "not billable" }));
    expect(result[`${SITE_0} devices`]).toBe(7);
    expect(result[`${SITE_0} devices.desktop`]).toBe(1);
    expect(result[`${SITE_1} devices`]).toBe(2);
    const filtered = at.requests.find((r) => r.query.filterId !== undefined);
    expect(filtered?.query.filterId).toBe("12");
  });

  it("fails when the named filter does not exist, rather than bill the devices it should leave out", async () => {
    const at = await start({ usage: { devices: DEVICES, customFilters: [] } });
    const result = await read(at.url, { notBillableFilterName: "Lab" });
    expect(result).toMatchObject({
      kind: "failed",
      error:
        'Datto RMM: no custom device filter is named "Lab", so the devices not to bill cannot be left out',
    });
  });

  it("reads the categories only when one is service-mapped (or nothing says what is mapped)", () => {
    expect(dattoRmmUsageScope(undefined)).toMatchObject({ scope: { categories: true } });
    expect(dattoRmmUsageScope(new Set(["devices.server"]))).toEqual({
      scope: { categories: true },
      billingTypes: [
        "devices",
        "devices.desktop",
        "devices.laptop",
        "devices.server",
        "devices.network_device",
        "devices.printer",
        "devices.esxi_host",
      ],
    });
    expect(dattoRmmUsageScope(new Set(["devices"]))).toEqual({
      scope: { categories: false },
      billingTypes: ["devices"],
    });
    expect(dattoRmmUsageScope(new Set())).toEqual({
      scope: { categories: false },
      billingTypes: ["devices"],
    });
  });

  it("without the categories, takes each site's total from the sites list's devicesStatus: no device list read", async () => {
    const at = await start();
    const result = await read(at.url, {}, fakeTime(), {}, TOTALS_ONLY);
    expect(counts(result)).toEqual({
      [`${SITE_0} devices`]: 8,
      [`${SITE_1} devices`]: 3,
      [`${SITE_2} devices`]: 0,
    });
    expect(paths(at)).toEqual(["POST /auth/oauth/token", "GET /api/v2/account/sites"]);
    expect(result.requestCount).toBe(2);
  });

  it("takes the total from devicesStatus, not from the device list, when it reads both", async () => {
    // Datto's count says 5 where the device list holds 1 device: the total is the site's own count.
    server = await startDattoRmmServer({
      records: [rawSite(SITE_0, status(5))],
      includeDeletedDevicesSite: false,
      usage: { devices: [dattoRmmDevice(SITE_0, 3)] },
    });
    const result = counts(await read(server.url));
    expect(result[`${SITE_0} devices`]).toBe(5);
    expect(result[`${SITE_0} devices.server`]).toBe(1);
  });

  it("subtracts the not-billable filter's devices from devicesStatus, each from its own site", async () => {
    const at = await start({
      usage: {
        devices: DEVICES,
        customFilters: [
          {
            id: 12,
            name: "Not billable",
            // A deleted device in the filter is no one's count: nothing to subtract for it.
            deviceUids: [`${SITE_0}-device-0`, `${SITE_0}-device-8`, `${SITE_1}-device-10`],
          },
        ],
      },
    });
    const result = await read(at.url, { notBillableFilterName: "Not billable" }, fakeTime(), {}, TOTALS_ONLY);
    expect(counts(result)).toEqual({
      [`${SITE_0} devices`]: 7,
      [`${SITE_1} devices`]: 2,
      [`${SITE_2} devices`]: 0,
    });
    // The filter's own device list, but not the account's.
    expect(at.requests.filter((r) => r.path === "/api/v2/account/devices")).toHaveLength(1);
    expect(at.requests.find((r) => r.path === "/api/v2/account/devices")?.query.filterId).toBe("12");
  });

  it.each([
    ["missing", undefined],
    ["null", null],
    ["negative", status(-1)],
    ["not a whole number", status(2.5)],
    ["text", status("many")],
    ["without numberOfDevices", { numberOfOnlineDevices: 3 }],
  ])(
    "a site whose devicesStatus is %s gets its total from the device list (never 0, never skipped)",
    async (_name, devicesStatus) => {
      server = await startDattoRmmServer({
        records: [rawSite(SITE_0, devicesStatus), rawSite(SITE_1, status(4)), rawSite(SITE_2, status(0))],
        usage: { devices: DEVICES },
      });
      const result = await read(server.url, {}, fakeTime(), {}, TOTALS_ONLY);
      // Site 0 counted from the device list (8, the deleted one left out); the others from their status.
      expect(counts(result)).toEqual({
        [`${SITE_0} devices`]: 8,
        [`${SITE_1} devices`]: 4,
        [`${SITE_2} devices`]: 0,
      });
      expect(paths(server)).toContain("GET /api/v2/account/devices");
    },
  );

  it("a filtered device without a site sends every total to the device list (no listed total can be trusted)", async () => {
    const noSite = { uid: "stray", deviceType: { category: "Desktop" }, deleted: false };
    const at = await start({
      usage: {
        devices: [...DEVICES, noSite],
        customFilters: [{ id: 3, name: "Lab", deviceUids: ["stray", `${SITE_1}-device-10`] }],
      },
    });
    // Datto's counts (emulated from the same devices) and the device list agree, so only the source shows.
    const result = await read(at.url, { notBillableFilterName: "Lab" }, fakeTime(), {}, TOTALS_ONLY);
    expect(counts(result)).toEqual({
      [`${SITE_0} devices`]: 8,
      [`${SITE_1} devices`]: 2,
      [`${SITE_2} devices`]: 0,
    });
    expect(at.requests.filter((r) => r.path === "/api/v2/account/devices")).toHaveLength(2);
  });

  it("more filtered devices than a site counts: that site's total comes from the device list", async () => {
    server = await startDattoRmmServer({
      records: [rawSite(SITE_0, status(0)), rawSite(SITE_1, status(3))],
      includeDeletedDevicesSite: false,
      usage: {
        devices: [dattoRmmDevice(SITE_0, 0), dattoRmmDevice(SITE_0, 1), dattoRmmDevice(SITE_1, 2)],
        customFilters: [{ id: 3, name: "Lab", deviceUids: [`${SITE_0}-device-0`] }],
      },
    });
    const result = await read(server.url, { notBillableFilterName: "Lab" }, fakeTime(), {}, TOTALS_ONLY);
    expect(counts(result)).toEqual({ [`${SITE_0} devices`]: 1, [`${SITE_1} devices`]: 3 });
  });

  it("a sites list that fails is a failed read without the categories too: usage unknown, never 0", async () => {
    const at = await start({
      faults: [
        { path: "/api/v2/account/sites", times: Number.POSITIVE_INFINITY, fault: { kind: "malformed" } },
      ],
    });
    const result = await read(at.url, {}, fakeTime(), {}, TOTALS_ONLY);
    expect(result).toMatchObject({ kind: "failed", failure: { code: "bad_response" } });
  });

  it("follows the device pages", async () => {
    const many = Array.from({ length: 620 }, (_, index) => dattoRmmDevice(SITE_1, index));
    const at = await start({ usage: { devices: many } });
    const result = counts(await read(at.url));
    expect(result[`${SITE_1} devices`]).toBe(620);
    expect(at.requests.filter((r) => r.path === "/api/v2/account/devices")).toHaveLength(3);
  });

  it("reads the devices of the generated sites, a site without devices at 0", async () => {
    const at = await start({ count: 30, usage: { devices: generatedDattoRmmDevices(30) } });
    const result = counts(await read(at.url));
    expect(result[`${SITE_0} devices`]).toBe(0);
    expect(result[`${SITE_1} devices`]).toBe(7);
    const total = Object.entries(result)
      .filter(([key]) => key.endsWith(" devices"))
      .reduce((sum, [, quantity]) => sum + (quantity ?? 0), 0);
    const listed = generatedDattoRmmDevices(30).filter((device) => !(device as { deleted: boolean }).deleted);
    expect(total).toBe(listed.length);
  });

  it("retries a 429 with Retry-After and a 500 on a device page, and counts every request", async () => {
    const time = fakeTime();
    const at = await start({
      faults: [
        { path: "/api/v2/account/devices", fault: { kind: "429", retryAfter: "12" } },
        { path: "/api/v2/account/devices", fault: { kind: "500" } },
      ],
    });
    const result = await read(at.url, {}, time);
    expect(counts(result)[`${SITE_0} devices`]).toBe(8);
    expect(time.sleeps[0]).toBe(12_000);
    expect(result.requestCount).toBe(5);
  });

  it("renews an expired token once", async () => {
    const at = await start({ tokenValidForRequests: 1 });
    const result = await read(at.url);
    expect(counts(result)[`${SITE_1} devices`]).toBe(3);
    expect(at.requests.filter((r) => r.path === "/auth/oauth/token")).toHaveLength(2);
  });

  it("rejects a device without a site, with the reason", async () => {
    const at = await start({ usage: { devices: [dattoRmmDevice(SITE_1, 1), dattoRmmDevice("", 2)] } });
    const result = await read(at.url);
    expect(result.kind === "complete" && result.rejected.map((r) => r.reason)).toEqual([
      "device -device-2: siteUid empty",
    ]);
  });

  for (const [name, fault, settings] of [
    ["a 500 that persists", { kind: "500" as const }, { maxAttempts: 2 }],
    ["bad JSON", { kind: "malformed" as const }, {}],
    ["a hang", { kind: "hang" as const }, { requestTimeoutMs: 50, maxAttempts: 2 }],
  ] as const) {
    it(`turns ${name} into a failed read, so every site's usage is unknown, never 0`, async () => {
      const at = await start({
        faults: [{ path: "/api/v2/account/devices", times: Number.POSITIVE_INFINITY, fault }],
      });
      const result = await read(at.url, {}, fakeTime(), settings);
      expect(result.kind).toBe("failed");
      expect(result.requestCount).toBeGreaterThanOrEqual(3);
      const expected = [SITE_0, SITE_1, SITE_2].map((externalId) => ({
        externalId,
        billingTypes: ["devices"],
      }));
      const { inputs } = ledgerInputs(result, expected, new Date("2026-11-30T02:00:00Z"));
      expect(inputs.map((input) => input.reading.quantity)).toEqual([null, null, null]);
      expect(inputs.every((input) => "reason" in input.reading && input.reading.reason === "failed")).toBe(
        true,
      );
    });
  }
});
