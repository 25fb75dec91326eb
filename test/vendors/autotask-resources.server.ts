import type { RecordedRequest, Reply } from "./vendor-server.ts";

/**
 * Resources of the emulated Autotask API (issue 14 item 5: who may own a created company):
 * `POST /V1.0/Resources/query` with a filter (Autotask refuses a query without one; an
 * `isActive eq true` condition keeps the active ones), paged by `MaxRecords` (at most the server's
 * page size) with `pageDetails.nextPageUrl` followed by GET. Records are served as stored, so a
 * test may put a garbled one (no id) among them. Faults: the server's common `faults` with
 * `path: "/V1.0/Resources"` (any page; `page: N` for the Nth) — 500, 429, hang, malformed, reset.
 */
export interface AutotaskResource {
  id: unknown;
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  isActive?: unknown;
}

export const RESOURCES_PATH = "/V1.0/Resources";
const errorBody = (message: string) => ({ errors: [message] });

function wantsActiveOnly(filter: unknown[]): boolean {
  return filter.some((condition) => {
    const c = condition as { op?: unknown; field?: unknown; value?: unknown };
    return c.op === "eq" && String(c.field).toLowerCase() === "isactive" && c.value === true;
  });
}

/** Answers a Resources query or its next page, or null for any other request. */
export function routeAutotaskResources(
  request: RecordedRequest,
  baseUrl: string,
  resources: readonly AutotaskResource[],
  maxPageSize = 500,
): Reply | null {
  let offset: number;
  let size: number;
  let activeOnly: boolean;
  if (request.method === "POST" && request.path === `${RESOURCES_PATH}/query`) {
    let query: { MaxRecords?: number; filter?: unknown };
    try {
      query = JSON.parse(request.body) as typeof query;
    } catch {
      return { status: 500, json: errorBody("Unable to parse the query") };
    }
    if (!Array.isArray(query.filter) || query.filter.length === 0) {
      return { status: 500, json: errorBody("A query requires at least one filter") };
    }
    offset = 0;
    size = Math.min(query.MaxRecords ?? 500, maxPageSize);
    activeOnly = wantsActiveOnly(query.filter);
  } else if (request.method === "GET" && request.path === `${RESOURCES_PATH}/query/next`) {
    const [from, pageSize, active] = (request.query.paging ?? "").split(":");
    offset = Number(from);
    size = Number(pageSize);
    if (!Number.isInteger(offset) || !Number.isInteger(size) || size <= 0) {
      return { status: 500, json: errorBody("Invalid paging token") };
    }
    activeOnly = active === "1";
  } else {
    return null;
  }
  const matching = resources.filter((r) => !activeOnly || r.isActive !== false);
  const items = matching.slice(offset, offset + size);
  const hasMore = offset + size < matching.length;
  return {
    status: 200,
    page: Math.floor(offset / size) + 1,
    json: {
      items,
      pageDetails: {
        count: items.length,
        requestCount: size,
        prevPageUrl: null,
        nextPageUrl: hasMore
          ? `${baseUrl}${RESOURCES_PATH}/query/next?paging=${offset + size}:${size}:${activeOnly ? 1 : 0}`
          : null,
      },
    },
  };
}

/** `count` active resources (ids 29682885, ...) and one inactive one after them. */
export function generatedResources(count: number): AutotaskResource[] {
  const people = Array.from({ length: count }, (_, i) => ({
    id: 29_682_885 + i,
    firstName: `Owner${String(i).padStart(3, "0")}`,
    lastName: "Example",
    email: `owner${i}@msp.example`,
    isActive: true,
  }));
  return [...people, { id: 29_600_000, firstName: "Gone", lastName: "Away", email: null, isActive: false }];
}
