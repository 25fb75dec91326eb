import {
  DATTO_RMM_DEVICE_CATEGORIES,
  DATTO_RMM_DEVICES,
  type DattoRmmDeviceCategory,
  dattoRmmCategoryKey,
} from "../../domain/billing/billing-types.ts";
import { readQuantity } from "../../domain/billing/usage-ledger.ts";
import type { ModuleUsageReading } from "../../domain/billing/usage-read.ts";
import {
  type ConnectorDeps,
  ConnectorError,
  type ConnectorUsageRead,
  type RejectedRecord,
  readFailure,
} from "../connector.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { startCountedSession } from "../http/request-counter.ts";
import { checkId, rejection } from "../record-checks.ts";
import { DattoRmmClient } from "./datto-rmm.client.ts";
import { DELETED_DEVICES_SITE } from "./datto-rmm.mapper.ts";
import type { DattoRmmSecrets, DattoRmmSettings } from "./datto-rmm.settings.ts";

const VENDOR = "Datto RMM";

/** The usage settings of a Datto RMM module (part of its connector settings). */
export type DattoRmmUsageSettings = Pick<DattoRmmSettings, "notBillableFilterName">;

type Counts = { total: number } & Record<DattoRmmDeviceCategory, number>;
const CATEGORY_KEYS = Object.keys(DATTO_RMM_DEVICE_CATEGORIES) as DattoRmmDeviceCategory[];

/** Where a run's organizations read leaves the sites list for its usage read (`ConnectorDeps.runShared`). */
export const LISTED_SITES = "datto-rmm:sites";

/** What the usage read needs of a listed site (not the whole site: a list may hold 200,000). */
export interface ListedSite {
  uid: unknown;
  name: unknown;
  devicesStatus: unknown;
}

export function listedSite(raw: unknown): ListedSite {
  const site = asObject(raw);
  return { uid: site.uid ?? site.id, name: site.name, devicesStatus: site.devicesStatus };
}

/** The sites list the same run's organizations read completed, if any. */
function sitesReadThisRun(deps: ConnectorDeps): ListedSite[] | null {
  const listed = deps.runShared?.get(LISTED_SITES);
  return Array.isArray(listed) ? (listed as ListedSite[]) : null;
}

/** The API's lists, read with the module's token (DattoRmmClient: cached, renewed once on a 401). */
interface ListPages {
  pages(path: string, key: string): AsyncGenerator<unknown[]>;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * What a Datto RMM usage read reports. The per-category counts need the account-wide device list
 * (devices/250 requests, six times the sites list at 6 devices a site), so they are read only
 * when a category billing type is service-mapped: nothing bills them otherwise, and the total
 * comes from the sites list alone.
 */
export interface DattoRmmUsageScope {
  categories: boolean;
}

/** Every category: what a read reports when the caller names no service mappings. */
export const DATTO_RMM_FULL_SCOPE: DattoRmmUsageScope = { categories: true };

/**
 * The scope of a read given the module's service-mapped billing types (undefined: not known, so
 * everything), and the billing types every site must then report.
 */
export function dattoRmmUsageScope(mappedBillingTypes: ReadonlySet<string> | undefined): {
  scope: DattoRmmUsageScope;
  billingTypes: string[];
} {
  const categories =
    mappedBillingTypes === undefined ||
    CATEGORY_KEYS.some((key) => mappedBillingTypes.has(`${DATTO_RMM_DEVICES}.${key}`));
  return {
    scope: { categories },
    billingTypes: [DATTO_RMM_DEVICES, ...(categories ? CATEGORY_KEYS.map((key) => `devices.${key}`) : [])],
  };
}

/**
 * Reads Datto RMM usage: device counts per site, in total and (scope) per category.
 *
 * The total of a site is its `devicesStatus.numberOfDevices` in the sites list, less the site's
 * devices in the named "not billable" filter. The list is the one the same sync run's
 * organizations read just completed (`ConnectorDeps.runShared`: no request at all), else read here. The account-wide device
 * list (GET /api/v2/account/devices, 250 a page) is read only when the categories are asked for,
 * or as the fallback when the sites list cannot give a total: a site whose `devicesStatus` is
 * missing or not a whole number from 0 up, a filtered device without a site (its site's total
 * would be too high), or more filtered devices than the site counts. A site the fallback counts
 * gets its total from the device list, as before. The sites list gives every site, so a site
 * without devices reads 0 rather than nothing; deleted devices and the Deleted Devices site are
 * left out. Never throws: a failed read comes back `failed`, and its sites' usage is then unknown,
 * never 0.
 */
export async function readDattoRmmUsage(
  rawSettings: DattoRmmSettings,
  usage: DattoRmmUsageSettings,
  secrets: DattoRmmSecrets,
  deps: ConnectorDeps = {},
  signal?: AbortSignal,
  scope: DattoRmmUsageScope = DATTO_RMM_FULL_SCOPE,
): Promise<ConnectorUsageRead> {
  const settings = withoutTrailingSlash(rawSettings);
  const { http, requestCount } = startCountedSession(
    { vendor: VENDOR, ...settings, secrets: [secrets.apiKey, secrets.apiSecret], deps },
    signal,
  );
  const client = new DattoRmmClient(settings, secrets, deps);
  const api: ListPages = { pages: (path, key) => client.pages(http, path, key) };
  const rejected: RejectedRecord[] = [];
  const counts = new Map<string, Counts>();
  /** Each site's total from the sites list (`devicesStatus`), less its not-billable devices. */
  const listedTotals = new Map<string, number>();
  /** Datto's own Deleted Devices site: no customer, and its devices are no one's usage. */
  const deletedDevicesSites = new Set<string>();
  const blank = (): Counts =>
    ({ total: 0, ...Object.fromEntries(CATEGORY_KEYS.map((key) => [key, 0])) }) as Counts;
  let readDeviceList = scope.categories;
  try {
    // The sites list the same run's organizations read just completed, else its own read of it.
    const listed = sitesReadThisRun(deps);
    const sitePages: AsyncIterable<unknown[]> | Iterable<unknown[]> =
      listed !== null
        ? [listed]
        : api.pages(`/api/v2/account/sites?max=${settings.pageSize}&page=0`, "sites");
    for await (const sites of sitePages) {
      for (const raw of sites) {
        const site = asObject(raw);
        const uid = checkId(site.uid ?? site.id, "site uid");
        const name = typeof site.name === "string" ? site.name.trim().toLowerCase() : "";
        if (name === DELETED_DEVICES_SITE.toLowerCase()) {
          if (uid.ok) deletedDevicesSites.add(uid.value);
          continue;
        }
        if (!uid.ok || counts.has(uid.value)) continue;
        counts.set(uid.value, blank());
        const total = readQuantity(asObject(site.devicesStatus).numberOfDevices);
        if (total.ok) listedTotals.set(uid.value, total.value);
        else readDeviceList = true; // this site's total comes from the device list
      }
    }
    const excluded = await notBillableDevices(api, usage.notBillableFilterName, settings.pageSize);
    for (const siteUid of excluded.values()) {
      if (siteUid === null) {
        // A filtered device of no known site: no site's listed total can be trusted to leave it out.
        listedTotals.clear();
        readDeviceList = true;
        break;
      }
      const total = listedTotals.get(siteUid);
      if (total === undefined) continue;
      if (total > 0) listedTotals.set(siteUid, total - 1);
      else {
        listedTotals.delete(siteUid);
        readDeviceList = true;
      }
    }
    if (readDeviceList) {
      for await (const devices of api.pages(
        `/api/v2/account/devices?max=${settings.pageSize}&page=0`,
        "devices",
      )) {
        for (const raw of devices) {
          const device = asObject(raw);
          if (device.deleted === true || excluded.has(String(device.uid))) continue;
          const site = checkId(device.siteUid, "siteUid");
          if (!site.ok) {
            rejected.push(rejection(`device ${String(device.uid ?? "?")}: ${site.reason}`, raw));
            continue;
          }
          if (deletedDevicesSites.has(site.value)) continue;
          // A device of a site the list did not name (created meanwhile) is not lost: it opens the site's count.
          const entry = counts.get(site.value) ?? blank();
          counts.set(site.value, entry);
          entry.total += 1;
          const category = dattoRmmCategoryKey(asObject(device.deviceType).category);
          if (category !== null) entry[category] += 1;
        }
      }
    }
  } catch (error) {
    const failure = readFailure(error, VENDOR);
    return { kind: "failed", error: failure.message, failure, requestCount: requestCount() };
  }
  const readings: ModuleUsageReading[] = [];
  for (const [externalId, entry] of counts) {
    const quantity = listedTotals.get(externalId) ?? entry.total;
    readings.push({ externalId, billingType: DATTO_RMM_DEVICES, quantity });
    if (!scope.categories) continue;
    for (const key of CATEGORY_KEYS)
      readings.push({ externalId, billingType: `devices.${key}`, quantity: entry[key] });
  }
  return { kind: "complete", readings, rejected, requestCount: requestCount() };
}

/**
 * The devices in the named custom filter (uid -> site uid, null when the device names none; a
 * deleted device is left out, as it is of the counts); a name that matches no filter fails the read.
 */
async function notBillableDevices(
  api: ListPages,
  name: string | undefined,
  pageSize: number,
): Promise<Map<string, string | null>> {
  const uids = new Map<string, string | null>();
  if (name === undefined) return uids;
  let filterId: string | null = null;
  for await (const filters of api.pages(`/api/v2/filter/custom-filters?max=${pageSize}&page=0`, "filters")) {
    const found = filters
      .map(asObject)
      .find((f) => String(f.name).trim().toLowerCase() === name.toLowerCase());
    if (found && (typeof found.id === "number" || typeof found.id === "string")) {
      filterId = String(found.id);
      break;
    }
  }
  if (filterId === null) {
    throw new ConnectorError(
      `${VENDOR}: no custom device filter is named "${name}", so the devices not to bill cannot be left out`,
    );
  }
  const path = `/api/v2/account/devices?filterId=${encodeURIComponent(filterId)}&max=${pageSize}&page=0`;
  for await (const devices of api.pages(path, "devices")) {
    for (const raw of devices) {
      const device = asObject(raw);
      if (device.deleted === true) continue;
      const site = checkId(device.siteUid, "siteUid");
      uids.set(String(device.uid), site.ok ? site.value : null);
    }
  }
  return uids;
}
