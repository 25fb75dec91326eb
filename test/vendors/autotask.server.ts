import { routeAutotaskAdjustments } from "./autotask-adjustments.server.ts";
import { type AutotaskCompanyStore, routeAutotaskCompanies } from "./autotask-companies.server.ts";
import { type AutotaskContractsData, routeAutotaskContracts } from "./autotask-contracts.server.ts";
import { type AutotaskResource, routeAutotaskResources } from "./autotask-resources.server.ts";
import { type RecordShape, recordCount, recordSlice } from "./generated-records.ts";
import { organizationName } from "./org-names.ts";
import { type FaultRule, type RecordFault, startVendorServer, type VendorServer } from "./vendor-server.ts";

export interface AutotaskPicklistValue {
  value: string;
  label: string;
  isActive: boolean;
}

export interface AutotaskServerOptions {
  /** Raw companies served as-is; otherwise `count` companies are generated (ids 1000, 1001, ...). */
  records?: unknown[];
  count?: number;
  recordFaults?: RecordFault[];
  faults?: FaultRule[];
  /** The companyType picklist; defaults to Autotask's standard list. */
  picklist?: AutotaskPicklistValue[];
  /** The largest page the server agrees to send (Autotask: 500). */
  maxPageSize?: number;
  credentials?: { apiIntegrationCode: string; userName: string; secret: string };
  /** Billing: Services, Contracts, ContractServices, ContractServiceUnits (autotask-contracts.server.ts). */
  contracts?: AutotaskContractsData;
  /** Companies create and the query by name (autotask-companies.server.ts). */
  companies?: AutotaskCompanyStore;
  /** Resources and their query (autotask-resources.server.ts); omitted: none. */
  resources?: AutotaskResource[];
}

/** Autotask's standard company types and their picklist ids. */
export const AUTOTASK_COMPANY_TYPES: AutotaskPicklistValue[] = [
  { value: "1", label: "Customer", isActive: true },
  { value: "2", label: "Lead", isActive: true },
  { value: "3", label: "Prospect", isActive: true },
  { value: "4", label: "Dead", isActive: true },
  { value: "6", label: "Cancelation", isActive: true },
  { value: "7", label: "Vendor", isActive: true },
  { value: "8", label: "Partner", isActive: true },
];

export const AUTOTASK_TEST_CREDENTIALS = {
  apiIntegrationCode: "AT-INTEGRATION-CODE",
  userName: "api-user@example.com",
  secret: "at-secret-value",
};

interface Company {
  id: unknown;
  companyName: unknown;
  companyType: number;
  isActive: boolean;
  parentCompanyID: number | null;
}

/** Mostly customers, a few of every other type; every 25th company is a child of the one before. */
function typeFor(index: number): number {
  const cycle = [1, 1, 1, 1, 1, 1, 1, 2, 3, 7, 1, 1, 1, 1, 1, 1, 1, 4, 6, 8];
  return cycle[index % cycle.length] ?? 1;
}

/** Generated company `index`: id 1000+index (Datto RMM's generated sites point at these ids). */
export const autotaskShape: RecordShape<Company> = {
  make: (index) => ({
    id: 1000 + index,
    companyName: organizationName(index),
    companyType: typeFor(index),
    isActive: index % 13 !== 12,
    parentCompanyID: index % 25 === 24 ? 1000 + index - 1 : null,
  }),
  idOf: (company) => company.id,
  setId: (company, id) => {
    company.id = id;
  },
  setName: (company, name) => {
    company.companyName = name;
  },
};

const errorBody = (_status: number, message: string) => ({ errors: [message] });

/**
 * An emulated Autotask REST API: GET /V1.0/Companies/entityInformation/fields (the companyType
 * picklist), POST /V1.0/Companies/query, and GET on the returned `pageDetails.nextPageUrl`. The
 * ApiIntegrationCode, UserName and Secret headers are checked on every request.
 */
export function startAutotaskServer(options: AutotaskServerOptions = {}): Promise<VendorServer> {
  const credentials = options.credentials ?? AUTOTASK_TEST_CREDENTIALS;
  const picklist = options.picklist ?? AUTOTASK_COMPANY_TYPES;
  const total = () => recordCount(options);

  return startVendorServer({
    faults: options.faults,
    errorBody,
    route: (request, baseUrl) => {
      const h = request.headers;
      if (
        h.apiintegrationcode !== credentials.apiIntegrationCode ||
        h.username !== credentials.userName ||
        h.secret !== credentials.secret
      ) {
        return { status: 401, json: errorBody(401, "Unauthorized: invalid credentials") };
      }
      // Billing entities (autotask-contracts.server.ts); Companies below are untouched.
      const billing = options.contracts
        ? (routeAutotaskContracts(request, baseUrl, options.contracts, options.maxPageSize) ??
          routeAutotaskAdjustments(request, options.contracts))
        : null;
      if (billing) return billing;
      const companies = options.companies
        ? routeAutotaskCompanies(
            request,
            options.companies,
            picklist.map((entry) => entry.value),
            () => recordSlice(options, autotaskShape, 0, total()),
          )
        : null;
      if (companies) return companies;
      const resources = routeAutotaskResources(
        request,
        baseUrl,
        options.resources ?? [],
        options.maxPageSize,
      );
      if (resources) return resources;
      if (request.method === "GET" && request.path === "/V1.0/Companies/entityInformation/fields") {
        return {
          status: 200,
          json: {
            fields: [
              { name: "id", dataType: "long", isPickList: false, picklistValues: null },
              { name: "companyName", dataType: "string", isPickList: false, picklistValues: null },
              { name: "companyType", dataType: "integer", isPickList: true, picklistValues: picklist },
            ],
          },
        };
      }
      let offset: number;
      let size: number;
      if (request.method === "POST" && request.path === "/V1.0/Companies/query") {
        let query: { MaxRecords?: number; filter?: unknown };
        try {
          query = JSON.parse(request.body) as typeof query;
        } catch {
          return { status: 500, json: errorBody(500, "Unable to parse the query") };
        }
        if (!Array.isArray(query.filter) || query.filter.length === 0) {
          return { status: 500, json: errorBody(500, "A query requires at least one filter") };
        }
        offset = 0;
        size = Math.min(query.MaxRecords ?? 500, options.maxPageSize ?? 500);
      } else if (request.method === "GET" && request.path === "/V1.0/Companies/query/next") {
        const [from, pageSize] = (request.query.paging ?? "").split(":").map(Number);
        if (from === undefined || pageSize === undefined || Number.isNaN(from) || Number.isNaN(pageSize)) {
          return { status: 500, json: errorBody(500, "Invalid paging token") };
        }
        offset = from;
        size = pageSize;
      } else {
        return { status: 404, json: errorBody(404, "The requested resource does not exist") };
      }
      const hasMore = offset + size < total();
      const items = [
        ...recordSlice(options, autotaskShape, offset, offset + size),
        ...(hasMore ? [] : (options.companies?.created ?? [])),
      ];
      const link = (from: number) =>
        `${baseUrl}/V1.0/Companies/query/next?paging=${from}:${size}&search=${encodeURIComponent('{"filter":[{"op":"gte","field":"id","value":0}]}')}`;
      return {
        status: 200,
        page: Math.floor(offset / size) + 1,
        json: {
          items,
          pageDetails: {
            count: items.length,
            requestCount: size,
            prevPageUrl: offset > 0 ? link(Math.max(0, offset - size)) : null,
            nextPageUrl: hasMore ? link(offset + size) : null,
          },
        },
      };
    },
  });
}
