import type { AutotaskPicklistValue } from "./autotask.server.ts";
import type { RecordedRequest, Reply } from "./vendor-server.ts";

/**
 * The billing entities of the emulated Autotask API: Services, Contracts, ContractServices and
 * ContractServiceUnits, each with POST /V1.0/<Entity>/query (Autotask's JSON filter, evaluated
 * here so a client's filter is really tested), GET .../query/next paging, and the Contracts
 * field list with its contractType and status picklists. Wired into startAutotaskServer by its
 * `contracts` option.
 */

export interface AutotaskContractsData {
  services?: unknown[];
  contracts?: unknown[];
  contractServices?: unknown[];
  contractServiceUnits?: unknown[];
  contractTypes?: AutotaskPicklistValue[];
  contractStatuses?: AutotaskPicklistValue[];
  /** Values an "in" condition may hold before the query is refused (default 500). */
  maxInValues?: number;
}

/** Autotask's contract types and statuses. */
export const AUTOTASK_CONTRACT_TYPES: AutotaskPicklistValue[] = [
  { value: "1", label: "Time and Materials", isActive: true },
  { value: "3", label: "Fixed Price", isActive: true },
  { value: "4", label: "Block Hours", isActive: true },
  { value: "6", label: "Retainer", isActive: true },
  { value: "7", label: "Recurring Service", isActive: true },
  { value: "8", label: "Per Ticket", isActive: true },
];
export const AUTOTASK_CONTRACT_STATUSES: AutotaskPicklistValue[] = [
  { value: "0", label: "Inactive", isActive: true },
  { value: "1", label: "Active", isActive: true },
];

const ENTITIES: Record<string, keyof AutotaskContractsData> = {
  Services: "services",
  Contracts: "contracts",
  ContractServices: "contractServices",
  ContractServiceUnits: "contractServiceUnits",
};

const errorBody = (message: string) => ({ errors: [message] });

interface Condition {
  op?: unknown;
  field?: unknown;
  value?: unknown;
  items?: unknown;
}

function fieldValue(record: unknown, field: string): unknown {
  if (typeof record !== "object" || record === null) return undefined;
  // Autotask field names are case-insensitive.
  const entry = Object.entries(record).find(([key]) => key.toLowerCase() === field.toLowerCase());
  return entry?.[1];
}

function compare(left: unknown, right: unknown): number | null {
  if (typeof left === "number" && typeof right === "number") return left - right;
  if (typeof left === "string" && typeof right === "string") {
    const a = Date.parse(left);
    const b = Date.parse(right);
    if (!Number.isNaN(a) && !Number.isNaN(b) && /^\d{4}-\d{2}-\d{2}/.test(left)) return a - b;
    return left.localeCompare(right);
  }
  if (typeof left === "number" && typeof right === "string" && right.trim() !== "")
    return left - Number(right);
  if (typeof left === "boolean" && typeof right === "boolean") return Number(left) - Number(right);
  return null;
}

/** Evaluates one condition; throws with Autotask-like words on a filter it would refuse. */
export function matchesFilter(record: unknown, condition: Condition, maxInValues = 500): boolean {
  const op = String(condition.op ?? "").toLowerCase();
  if (op === "and" || op === "or") {
    if (!Array.isArray(condition.items)) throw new Error(`The ${op} operator requires items`);
    const items = condition.items as Condition[];
    return op === "and"
      ? items.every((item) => matchesFilter(record, item, maxInValues))
      : items.some((item) => matchesFilter(record, item, maxInValues));
  }
  if (typeof condition.field !== "string") throw new Error(`The ${op} operator requires a field`);
  const value = fieldValue(record, condition.field);
  switch (op) {
    case "exist":
      return value !== null && value !== undefined;
    case "notexist":
      return value === null || value === undefined;
    case "in":
    case "notin": {
      if (!Array.isArray(condition.value)) throw new Error(`The ${op} operator requires a list of values`);
      if (condition.value.length > maxInValues) {
        throw new Error(`The ${op} operator accepts at most ${maxInValues} values`);
      }
      const found = condition.value.some((candidate) => compare(value, candidate) === 0);
      return op === "in" ? found : !found;
    }
    case "eq":
    case "noteq":
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const order = compare(value, condition.value);
      if (order === null) return op === "noteq";
      return {
        eq: order === 0,
        noteq: order !== 0,
        gt: order > 0,
        gte: order >= 0,
        lt: order < 0,
        lte: order <= 0,
      }[op];
    }
    default:
      throw new Error(`Unknown filter operator "${String(condition.op)}"`);
  }
}

function fieldsReply(data: AutotaskContractsData): Reply {
  return {
    status: 200,
    json: {
      fields: [
        { name: "id", dataType: "long", isPickList: false, picklistValues: null },
        {
          name: "contractType",
          dataType: "integer",
          isPickList: true,
          picklistValues: data.contractTypes ?? AUTOTASK_CONTRACT_TYPES,
        },
        {
          name: "status",
          dataType: "integer",
          isPickList: true,
          picklistValues: data.contractStatuses ?? AUTOTASK_CONTRACT_STATUSES,
        },
      ],
    },
  };
}

/**
 * Answers a request for one of the billing entities, or null when the request is for something
 * else. Credentials are checked by the caller (startAutotaskServer).
 */
export function routeAutotaskContracts(
  request: RecordedRequest,
  baseUrl: string,
  data: AutotaskContractsData,
  maxPageSize = 500,
): Reply | null {
  if (request.method === "GET" && request.path === "/V1.0/Contracts/entityInformation/fields")
    return fieldsReply(data);
  const match = /^\/V1\.0\/(\w+)\/query(\/next)?$/.exec(request.path);
  const entity = match?.[1];
  if (!entity || !(entity in ENTITIES)) return null;
  const isNext = match?.[2] !== undefined;
  let filter: unknown;
  let offset = 0;
  let size: number;
  if (!isNext && request.method === "POST") {
    let query: { MaxRecords?: number; filter?: unknown };
    try {
      query = JSON.parse(request.body) as typeof query;
    } catch {
      return { status: 500, json: errorBody("Unable to parse the query") };
    }
    filter = query.filter;
    size = Math.min(query.MaxRecords ?? 500, maxPageSize);
  } else if (isNext && request.method === "GET") {
    const [from, pageSize] = (request.query.paging ?? "").split(":").map(Number);
    if (from === undefined || pageSize === undefined || Number.isNaN(from) || Number.isNaN(pageSize)) {
      return { status: 500, json: errorBody("Invalid paging token") };
    }
    offset = from;
    size = pageSize;
    try {
      filter = (JSON.parse(request.query.search ?? "{}") as { filter?: unknown }).filter;
    } catch {
      return { status: 500, json: errorBody("Invalid search in the next page URL") };
    }
  } else {
    return null;
  }
  if (!Array.isArray(filter) || filter.length === 0) {
    return { status: 500, json: errorBody("A query requires at least one filter") };
  }
  const records = (data[ENTITIES[entity]!] ?? []) as unknown[];
  let matching: unknown[];
  try {
    matching = records.filter((record) =>
      (filter as Condition[]).every((condition) => matchesFilter(record, condition, data.maxInValues)),
    );
  } catch (error) {
    return { status: 500, json: errorBody((error as Error).message) };
  }
  const items = matching.slice(offset, offset + size);
  const search = encodeURIComponent(JSON.stringify({ filter }));
  const link = (from: number) =>
    `${baseUrl}/V1.0/${entity}/query/next?paging=${from}:${size}&search=${search}`;
  return {
    status: 200,
    page: Math.floor(offset / size) + 1,
    json: {
      items,
      pageDetails: {
        count: items.length,
        requestCount: size,
        prevPageUrl: offset > 0 ? link(Math.max(0, offset - size)) : null,
        nextPageUrl: offset + size < matching.length ? link(offset + size) : null,
      },
    },
  };
}
