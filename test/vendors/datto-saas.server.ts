import { type RecordShape, recordCount, recordSlice } from "./generated-records.ts";
import { organizationName } from "./org-names.ts";
import {
  basicAuth,
  type FaultRule,
  type RecordFault,
  startVendorServer,
  type VendorServer,
} from "./vendor-server.ts";

export interface DattoSaasServerOptions {
  /** Raw rows served as-is; otherwise `count` rows (domains) are generated, two per customer. */
  records?: unknown[];
  count?: number;
  recordFaults?: RecordFault[];
  faults?: FaultRule[];
  publicKey?: string;
  secretKey?: string;
}

interface SaasRow {
  saasCustomerId: unknown;
  saasCustomerName: unknown;
  domain: unknown;
  productType: string;
  seatsUsed: number;
  retentionType: string;
  organizationId: number;
  organizationName: string;
}

/** Generated row `index`: customer floor(index/2) (id 7000+), its primary or its mail domain. */
export const dattoSaasShape: RecordShape<SaasRow> = {
  make: (index) => {
    const customer = Math.floor(index / 2);
    return {
      saasCustomerId: 7000 + customer,
      saasCustomerName: organizationName(customer),
      domain: index % 2 === 0 ? `org${customer + 1}.example.com` : `mail.org${customer + 1}.example.com`,
      productType: index % 2 === 0 ? "Office365" : "GoogleApps",
      seatsUsed: (index * 7) % 120,
      retentionType: "Infinite Cloud Retention",
      organizationId: 300 + customer,
      organizationName: organizationName(customer),
    };
  },
  // A duplicate is the same domain of the same customer: copy both.
  idOf: (row) => ({ customer: row.saasCustomerId, domain: row.domain, name: row.saasCustomerName }),
  setId: (row, id) => {
    if (id === undefined) {
      row.saasCustomerId = undefined;
      return;
    }
    const copy = id as { customer: unknown; domain: unknown; name: unknown };
    row.saasCustomerId = copy.customer;
    row.domain = copy.domain;
    row.saasCustomerName = copy.name;
  },
  setName: (row, name) => {
    row.saasCustomerName = name;
  },
};

const errorBody = (status: number, message: string) => ({ code: status, message });

/**
 * An emulated Datto SaaS Protection API: GET /v1/saas/domains with Basic auth (public key,
 * secret key), answering a plain JSON array written row by row.
 */
export function startDattoSaasServer(options: DattoSaasServerOptions = {}): Promise<VendorServer> {
  const publicKey = options.publicKey ?? "saas-public";
  const secretKey = options.secretKey ?? "saas-secret";
  return startVendorServer({
    faults: options.faults,
    errorBody,
    route: (request) => {
      if (request.method !== "GET" || request.path !== "/v1/saas/domains") {
        return { status: 404, json: errorBody(404, "Not Found") };
      }
      const auth = basicAuth(request.headers.authorization);
      if (auth?.user !== publicKey || auth.password !== secretKey) {
        return { status: 401, json: errorBody(401, "Invalid API credentials") };
      }
      const total = recordCount(options);
      function* chunks(): Generator<string> {
        yield "[";
        for (let from = 0; from < total; from += 1_000) {
          const rows = recordSlice(options, dattoSaasShape, from, from + 1_000);
          yield (from === 0 ? "" : ",") + rows.map((row) => JSON.stringify(row)).join(",");
        }
        yield "]";
      }
      return { status: 200, page: 1, chunks: chunks() };
    },
  });
}
