import { type RecordShape, recordCount, recordSlice } from "./generated-records.ts";
import { organizationName } from "./org-names.ts";
import { type FaultRule, type RecordFault, startVendorServer, type VendorServer } from "./vendor-server.ts";

export interface ItGlueServerOptions {
  /** Raw JSON:API resources to serve as-is; otherwise `count` records are generated. */
  records?: unknown[];
  count?: number;
  recordFaults?: RecordFault[];
  faults?: FaultRule[];
  /** The largest page the server agrees to send (IT Glue: 1000). */
  maxPageSize?: number;
  apiKey?: string;
}

interface ItGlueResource {
  id: unknown;
  type: "organizations";
  attributes: Record<string, unknown>;
}

const TYPES = ["Customer", "Customer", "Customer", "Prospect", "Vendor", "Internal"];

/** Generated IT Glue organization `index`: id 5000+index, a deterministic name, type and status. */
export const itGlueShape: RecordShape<ItGlueResource> = {
  make: (index) => ({
    id: String(5000 + index),
    type: "organizations",
    attributes: {
      name: organizationName(index),
      "short-name": `org${index + 1}`,
      "organization-type-name": TYPES[index % TYPES.length],
      "organization-status-name": index % 11 === 10 ? "Inactive" : "Active",
      "primary-domain": `org${index + 1}.example.com`,
      "quick-notes": null,
    },
  }),
  idOf: (record) => record.id,
  setId: (record, id) => {
    record.id = id;
  },
  setName: (record, name) => {
    record.attributes.name = name;
  },
};

const errorBody = (status: number, message: string) => ({
  errors: [{ status: String(status), title: message }],
});

/**
 * An emulated IT Glue API: GET /organizations with `page[size]`/`page[number]` and
 * `meta.total-pages`, the `x-api-key` header checked (401 otherwise).
 */
export function startItGlueServer(options: ItGlueServerOptions = {}): Promise<VendorServer> {
  const apiKey = options.apiKey ?? "itg-test-key";
  return startVendorServer({
    faults: options.faults,
    errorBody,
    route: (request, baseUrl) => {
      if (request.method !== "GET" || request.path !== "/organizations") {
        return { status: 404, json: errorBody(404, "Not Found") };
      }
      if (request.headers["x-api-key"] !== apiKey) {
        return { status: 401, json: errorBody(401, "Unauthorized") };
      }
      const size = Math.min(Number(request.query["page[size]"] ?? 50), options.maxPageSize ?? 1000);
      const page = Math.max(1, Number(request.query["page[number]"] ?? 1));
      const total = recordCount(options);
      const totalPages = Math.ceil(total / size);
      const data = recordSlice(options, itGlueShape, (page - 1) * size, page * size);
      const link = (n: number) => `${baseUrl}/organizations?page[number]=${n}&page[size]=${size}`;
      return {
        status: 200,
        page,
        headers: { "content-type": "application/vnd.api+json" },
        json: {
          data,
          meta: {
            "current-page": page,
            "next-page": page < totalPages ? page + 1 : null,
            "prev-page": page > 1 ? page - 1 : null,
            "total-pages": totalPages,
            "total-count": total,
            filters: {},
          },
          links: {
            self: link(page),
            next: page < totalPages ? link(page + 1) : null,
            last: link(totalPages),
          },
        },
      };
    },
  });
}
