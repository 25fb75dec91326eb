import { ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import type { ItGlueSecrets, ItGlueSettings } from "./itglue.settings.ts";

/** One page of IT Glue's JSON:API list: the raw resources, unchecked. */
export interface ItGlueRawPage {
  data: unknown[];
  pageNumber: number;
  totalPages: number;
}

/**
 * Reads every page of GET /organizations. IT Glue reports `meta.total-pages` on each page; the
 * latest value is used, so organizations added during the read extend it rather than being lost.
 */
export async function* readItGlueOrganizations(
  http: HttpSession,
  settings: ItGlueSettings,
  secrets: ItGlueSecrets,
): AsyncGenerator<ItGlueRawPage> {
  const headers = { "x-api-key": secrets.apiKey, accept: "application/vnd.api+json" };
  for (let pageNumber = 1; ; pageNumber++) {
    const url = new URL(`${settings.baseUrl}/organizations`);
    url.searchParams.set("page[size]", String(settings.pageSize));
    url.searchParams.set("page[number]", String(pageNumber));
    url.searchParams.set("sort", "id");
    const body = await http.requestJson({ url: url.toString(), headers });
    const page = parsePage(body, pageNumber);
    yield page;
    if (page.data.length === 0 || pageNumber >= page.totalPages) return;
  }
}

function parsePage(body: unknown, pageNumber: number): ItGlueRawPage {
  const object = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(object.data)) {
    throw new ConnectorError(`IT Glue: page ${pageNumber} of /organizations has no "data" array`);
  }
  const meta = (typeof object.meta === "object" && object.meta !== null ? object.meta : {}) as Record<
    string,
    unknown
  >;
  const totalPages = meta["total-pages"];
  if (typeof totalPages !== "number" || !Number.isInteger(totalPages) || totalPages < 0) {
    throw new ConnectorError(`IT Glue: page ${pageNumber} of /organizations has no "meta.total-pages"`);
  }
  return { data: object.data, pageNumber, totalPages };
}
