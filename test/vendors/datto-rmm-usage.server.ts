import type { RecordedRequest, Reply } from "./vendor-server.ts";

/**
 * The usage endpoints of the emulated Datto RMM API: GET /api/v2/account/devices (0-based pages,
 * `filterId` narrows to a device filter) and GET /api/v2/filter/custom-filters. Wired into
 * startDattoRmmServer by its `usage` option; the token check stays there.
 */

export interface DattoRmmFilter {
  id: number;
  name: string;
  /** The devices the filter matches. */
  deviceUids: string[];
}

export interface DattoRmmUsageOptions {
  /** Raw devices served as they are (each with `uid`, `siteUid`, `deviceType`, `deleted`). */
  devices: unknown[];
  customFilters?: DattoRmmFilter[];
}

const errorBody = (status: number, message: string) => ({ code: status, message });

/** Device `index` of a site: a mix of every category, and now and then one Datto cannot classify. */
export function dattoRmmDevice(siteUid: string, index: number, extra: Record<string, unknown> = {}): unknown {
  const categories = [
    "Desktop",
    "Desktop",
    "Laptop",
    "Server",
    "Network Device",
    "Printer",
    "ESXi Host",
    "Unknown",
  ];
  return {
    id: 5000 + index,
    uid: `${siteUid}-device-${index}`,
    siteUid,
    hostname: `HOST-${index}`,
    deviceType: { category: categories[index % categories.length], type: "Generic" },
    deleted: false,
    ...extra,
  };
}

export function isDattoRmmUsagePath(request: RecordedRequest): boolean {
  return (
    request.method === "GET" &&
    (request.path === "/api/v2/account/devices" || request.path === "/api/v2/filter/custom-filters")
  );
}

function paged(
  request: RecordedRequest,
  baseUrl: string,
  key: "devices" | "filters",
  all: readonly unknown[],
  maxPageSize: number,
): Reply {
  const max = Math.min(Number(request.query.max ?? 250), maxPageSize);
  const page = Math.max(0, Number(request.query.page ?? 0));
  const from = page * max;
  const items = all.slice(from, from + max);
  const params = new URLSearchParams(request.query);
  const link = (n: number) => {
    params.set("page", String(n));
    params.set("max", String(max));
    return `${baseUrl}${request.path}?${params.toString()}`;
  };
  return {
    status: 200,
    page: page + 1,
    json: {
      pageDetails: {
        count: items.length,
        totalCount: all.length,
        prevPageUrl: page > 0 ? link(page - 1) : null,
        nextPageUrl: from + max < all.length ? link(page + 1) : null,
      },
      [key]: items,
    },
  };
}

/** Answers a usage request (after the token was checked). */
export function routeDattoRmmUsage(
  request: RecordedRequest,
  baseUrl: string,
  usage: DattoRmmUsageOptions,
  maxPageSize = 250,
): Reply {
  const filters = usage.customFilters ?? [];
  if (request.path === "/api/v2/filter/custom-filters") {
    const listed = filters.map(({ id, name }) => ({
      id,
      name,
      description: "",
      type: "rmm_custom",
      scope: "Global",
    }));
    return paged(request, baseUrl, "filters", listed, maxPageSize);
  }
  let devices = usage.devices;
  if (request.query.filterId !== undefined) {
    const filter = filters.find((candidate) => String(candidate.id) === request.query.filterId);
    if (!filter) return { status: 404, json: errorBody(404, `Filter ${request.query.filterId} not found`) };
    const members = new Set(filter.deviceUids);
    devices = devices.filter((device) => members.has(String((device as { uid?: unknown }).uid)));
  }
  return paged(request, baseUrl, "devices", devices, maxPageSize);
}

/** Devices per site uid, deleted ones left out: what a site's `devicesStatus.numberOfDevices` says. */
export function siteDeviceCounts(devices: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of devices) {
    const device = raw as { siteUid?: unknown; deleted?: unknown };
    if (device.deleted === true) continue;
    const site = String(device.siteUid);
    counts.set(site, (counts.get(site) ?? 0) + 1);
  }
  return counts;
}

/**
 * Devices for the generated sites of startDattoRmmServer({ count }) (site i has uid
 * site-0000000i): site i has (i * 7) % 13 devices, so some have none; deleted ones are mixed in.
 */
export function generatedDattoRmmDevices(siteCount: number): unknown[] {
  const devices: unknown[] = [];
  let next = 0;
  for (let site = 0; site < siteCount; site++) {
    const uid = `site-${String(site).padStart(8, "0")}`;
    for (let index = 0; index < (site * 7) % 13; index++) {
      devices.push(dattoRmmDevice(uid, next, next % 17 === 16 ? { deleted: true } : {}));
      next += 1;
    }
  }
  return devices;
}
