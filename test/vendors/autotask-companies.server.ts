import type { RecordedRequest, Reply } from "./vendor-server.ts";

/**
 * Companies create of the emulated Autotask API (issue 14 item 5): `POST /V1.0/Companies` checks
 * the fields Autotask requires (companyName of at most 100 characters, companyType from the
 * picklist, phone, ownerResourceID), stores the company with its createDate and answers
 * `{"itemId": N}`; `POST /V1.0/Companies/query` with a `companyName eq` filter finds companies by
 * name among the generated ones and the created ones. Wired into startAutotaskServer through its
 * `companies` store (the full list read also returns the created companies, on its last page).
 *
 * Faults:
 * - `createFaults` fire BEFORE anything is written: 429 (with Retry-After), 500 with Autotask's
 *   `{"errors":[...]}` body, and `duplicate` (500 naming the existing company, as Autotask does
 *   when its duplicate check is on); nothing is created.
 * - the server's common `faults` with `path: "/V1.0/Companies", exact: true` fire AFTER the write:
 *   `hang` is "created but the answer lost" (the client times out), `malformed` a garbled answer,
 *   `500` an error answer, `reset` a cut connection, each to a create that was applied.
 */

export type CompanyCreateFault =
  | { kind: "429"; retryAfter?: string }
  | { kind: "500"; message?: string }
  | { kind: "duplicate" };

export interface EmulatedCompany {
  id: number;
  companyName: string;
  companyType: number;
  isActive: boolean;
  parentCompanyID: number | null;
  phone: string;
  ownerResourceID: number;
  createDate: string;
}

export interface AutotaskCompanyStore {
  /** Companies created through the API, in order. */
  created: EmulatedCompany[];
  createFaults?: { fault: CompanyCreateFault; times?: number }[];
  /** Refuse a create whose name is already taken (Autotask's optional duplicate check). */
  refuseDuplicateNames?: boolean;
  /** The id of the next created company (default 900000). */
  nextId?: number;
}

const errorBody = (message: string) => ({ errors: [message] });
type Named = { id?: unknown; companyName?: unknown };
const sameName = (company: Named, wanted: string) =>
  String(company.companyName).toLowerCase() === wanted.toLowerCase();
export const COMPANIES_PATH = "/V1.0/Companies";

function nameFilter(body: string): string | null {
  try {
    const filter = (JSON.parse(body) as { filter?: unknown }).filter;
    if (!Array.isArray(filter) || filter.length !== 1) return null;
    const [only] = filter as { op?: unknown; field?: unknown; value?: unknown }[];
    if (
      only?.op === "eq" &&
      String(only.field).toLowerCase() === "companyname" &&
      typeof only.value === "string"
    ) {
      return only.value;
    }
  } catch {
    // not a name query
  }
  return null;
}

/**
 * Answers a Companies create or a query by name, or null for any other request. `existing`
 * lists the generated companies' names with their ids (Autotask compares names without case).
 */
export function routeAutotaskCompanies(
  request: RecordedRequest,
  store: AutotaskCompanyStore,
  typeIds: readonly string[],
  existing: () => readonly unknown[],
): Reply | null {
  if (request.method === "POST" && request.path === `${COMPANIES_PATH}/query`) {
    const name = nameFilter(request.body);
    if (name === null) return null;
    const items = [...(existing() as Named[]), ...store.created].filter((c) => sameName(c, name));
    return {
      status: 200,
      json: {
        items,
        pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
      },
    };
  }
  if (request.method !== "POST" || request.path !== COMPANIES_PATH) return null;
  const fault = store.createFaults?.find((rule) => (rule.times ?? 1) > 0);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body) as Record<string, unknown>;
  } catch {
    return { status: 500, json: errorBody("Unable to parse the request body") };
  }
  const name = body.companyName;
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.fault.kind === "429") {
      const headers: Record<string, string> =
        fault.fault.retryAfter === undefined ? {} : { "retry-after": fault.fault.retryAfter };
      return { status: 429, headers, json: errorBody("Rate limit exceeded") };
    }
    if (fault.fault.kind === "duplicate") {
      return { status: 500, json: errorBody(`An organization named ${String(name)} already exists`) };
    }
    return { status: 500, json: errorBody(fault.fault.message ?? "Internal server error (emulated)") };
  }
  const missing = ["companyName", "companyType", "phone", "ownerResourceID"].filter(
    (field) => body[field] === undefined || body[field] === null || body[field] === "",
  );
  if (missing.length > 0)
    return { status: 500, json: errorBody(`Missing required fields: ${missing.join(", ")}`) };
  if (typeof name !== "string" || name.length > 100) {
    return { status: 500, json: errorBody("companyName must be a string of at most 100 characters") };
  }
  if (!typeIds.includes(String(body.companyType))) {
    return {
      status: 500,
      json: errorBody(`companyType ${String(body.companyType)} is not a valid picklist value`),
    };
  }
  if (typeof body.ownerResourceID !== "number") {
    return { status: 500, json: errorBody("ownerResourceID must reference a resource") };
  }
  if (store.refuseDuplicateNames) {
    const taken = [...(existing() as Named[]), ...store.created].find((c) => sameName(c, name));
    if (taken) {
      return {
        status: 500,
        json: errorBody(`An organization named ${name} already exists (id ${String(taken.id)})`),
      };
    }
  }
  const id = store.nextId ?? 900_000;
  store.nextId = id + 1;
  store.created.push({
    id,
    companyName: name,
    companyType: Number(body.companyType),
    isActive: body.isActive !== false,
    parentCompanyID: typeof body.parentCompanyID === "number" ? body.parentCompanyID : null,
    phone: String(body.phone),
    ownerResourceID: body.ownerResourceID,
    createDate: new Date().toISOString(),
  });
  return { status: 200, json: { itemId: id } };
}
