import {
  type DattoRmmUsageOptions,
  isDattoRmmUsagePath,
  routeDattoRmmUsage,
  siteDeviceCounts,
} from "./datto-rmm-usage.server.ts";
import { type RecordShape, recordCount, recordSlice } from "./generated-records.ts";
import { organizationName } from "./org-names.ts";
import {
  basicAuth,
  type FaultRule,
  type RecordFault,
  startVendorServer,
  type VendorServer,
} from "./vendor-server.ts";

export interface DattoRmmServerOptions {
  /** Raw sites served as-is; otherwise `count` sites are generated. */
  records?: unknown[];
  count?: number;
  recordFaults?: RecordFault[];
  faults?: FaultRule[];
  /** Put Datto's built-in "Deleted Devices" site first in the list (default true). */
  includeDeletedDevicesSite?: boolean;
  apiKey?: string;
  apiSecret?: string;
  /** Tokens stop working after this many site requests (to test renewal); default never. */
  tokenValidForRequests?: number;
  maxPageSize?: number;
  /** Billing: devices and device filters (datto-rmm-usage.server.ts). */
  usage?: DattoRmmUsageOptions;
}

interface DattoSite {
  id: number;
  uid: unknown;
  name: unknown;
  description: string;
  onDemand: boolean;
  autotaskCompanyId: string | null;
  autotaskCompanyName: string | null;
  /** Datto's device counts of the site (served only with the `usage` option). */
  devicesStatus?: { numberOfDevices: number; numberOfOnlineDevices: number; numberOfOfflineDevices: number };
}

/** Generated site `index`: every third site carries an Autotask company id (1000+index). */
export const dattoRmmShape: RecordShape<DattoSite> = {
  make: (index) => ({
    id: 100 + index,
    uid: `site-${String(index).padStart(8, "0")}`,
    name: organizationName(index),
    description: "",
    onDemand: false,
    autotaskCompanyId: index % 3 === 0 ? String(1000 + index) : null,
    autotaskCompanyName: index % 3 === 0 ? organizationName(index) : null,
  }),
  idOf: (site) => site.uid,
  setId: (site, uid) => {
    site.uid = uid;
  },
  setName: (site, name) => {
    site.name = name;
  },
};

const DELETED_DEVICES = {
  id: 1,
  uid: "deleted-devices-site",
  name: "Deleted Devices",
  description: "Built-in site",
  onDemand: false,
  autotaskCompanyId: null,
  autotaskCompanyName: null,
};

const errorBody = (status: number, message: string) => ({ code: status, message });

/**
 * An emulated Datto RMM API: POST /auth/oauth/token (password grant, Basic public-client:public)
 * and GET /api/v2/account/sites?max=&page= (0-based pages) with `pageDetails.nextPageUrl`; with
 * `usage`, each generated site has `devicesStatus` (its devices that are not deleted: Datto moves
 * a deleted device to its Deleted Devices site).
 */
export function startDattoRmmServer(options: DattoRmmServerOptions = {}): Promise<VendorServer> {
  const apiKey = options.apiKey ?? "rmm-key";
  const apiSecret = options.apiSecret ?? "rmm-secret";
  const extra = options.includeDeletedDevicesSite === false ? 0 : 1;
  const tokens = new Map<string, number>();
  let issued = 0;
  let deviceCounts: Map<string, number> | null = null;

  return startVendorServer({
    faults: options.faults,
    errorBody,
    route: (request, baseUrl) => {
      if (request.method === "POST" && request.path === "/auth/oauth/token") {
        const client = basicAuth(request.headers.authorization);
        const form = new URLSearchParams(request.body);
        const valid =
          client?.user === "public-client" &&
          client.password === "public" &&
          form.get("grant_type") === "password" &&
          form.get("username") === apiKey &&
          form.get("password") === apiSecret;
        if (!valid)
          return { status: 401, json: { error: "invalid_grant", error_description: "Bad credentials" } };
        issued += 1;
        const token = `token-${issued}`;
        tokens.set(token, options.tokenValidForRequests ?? Number.POSITIVE_INFINITY);
        return {
          status: 200,
          json: { access_token: token, token_type: "bearer", expires_in: 359_999, scope: "default" },
        };
      }
      // Billing: usage endpoints (datto-rmm-usage.server.ts) pass the same token check as sites.
      const isUsage = options.usage !== undefined && isDattoRmmUsagePath(request);
      if (!isUsage && (request.method !== "GET" || request.path !== "/api/v2/account/sites")) {
        return { status: 404, json: errorBody(404, "Not found") };
      }
      const token = String(request.headers.authorization ?? "").replace(/^Bearer /, "");
      const left = tokens.get(token) ?? 0;
      if (left <= 0)
        return { status: 401, json: { error: "invalid_token", error_description: "Access token expired" } };
      tokens.set(token, left - 1);
      if (isUsage && options.usage)
        return routeDattoRmmUsage(request, baseUrl, options.usage, options.maxPageSize);
      const max = Math.min(Number(request.query.max ?? 250), options.maxPageSize ?? 250);
      const page = Math.max(0, Number(request.query.page ?? 0));
      const total = recordCount(options) + extra;
      const from = page * max;
      const to = Math.min(total, from + max);
      const sites: unknown[] = [];
      if (extra === 1 && from === 0) sites.push(DELETED_DEVICES);
      const slice = recordSlice(options, dattoRmmShape, Math.max(0, from - extra), to - extra);
      // With usage, each generated site carries Datto's devicesStatus counted from the served devices
      // (counted once per list read: page 0); raw `records` are served as they are.
      if (options.usage && !options.records) {
        if (from === 0 || deviceCounts === null) deviceCounts = siteDeviceCounts(options.usage.devices);
        for (const site of slice as DattoSite[]) {
          const devices = deviceCounts.get(String(site.uid)) ?? 0;
          site.devicesStatus = {
            numberOfDevices: devices,
            numberOfOnlineDevices: devices,
            numberOfOfflineDevices: 0,
          };
        }
      }
      sites.push(...slice);
      const link = (n: number) => `${baseUrl}/api/v2/account/sites?max=${max}&page=${n}`;
      return {
        status: 200,
        page: page + 1,
        json: {
          pageDetails: {
            count: sites.length,
            totalCount: total,
            prevPageUrl: page > 0 ? link(page - 1) : null,
            nextPageUrl: to < total ? link(page + 1) : null,
          },
          sites,
        },
      };
    },
  });
}
