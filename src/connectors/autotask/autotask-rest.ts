import { ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import { resolveNextPageUrl } from "../http/next-page-url.ts";
import { PageChain } from "../http/page-chain.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";

/**
 * What every Autotask REST read shares: the headers, the host a next page may point at, and the
 * query pager (POST /V1.0/<entity>/query, then GET each `pageDetails.nextPageUrl` until null).
 */

export const AUTOTASK_VENDOR = "Autotask";

/** One condition of Autotask's JSON query filter, or an and/or group of them. */
export type AutotaskFilter =
  | { op: "eq" | "noteq" | "gt" | "gte" | "lt" | "lte"; field: string; value: string | number | boolean }
  | { op: "in" | "notin"; field: string; value: (string | number)[] }
  | { op: "and" | "or"; items: AutotaskFilter[] };

/** Autotask may answer with its zone's own host (webservicesN.autotask.net); that is still Autotask. */
export function isAutotaskHost(url: URL): boolean {
  return url.protocol === "https:" && url.hostname.endsWith(".autotask.net");
}

export function autotaskHeaders(secrets: AutotaskSecrets): Record<string, string> {
  return {
    ApiIntegrationCode: secrets.apiIntegrationCode,
    UserName: secrets.userName,
    Secret: secrets.secret,
    "Content-Type": "application/json",
    Accept: "application/json",
  };
}

export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Reads every record of `entity` that matches `filter`, a page at a time: one POST
 * /V1.0/<entity>/query with the largest page the settings allow and only `fields`, then GET on
 * each `pageDetails.nextPageUrl` (on an Autotask host, never visited twice) until it is null.
 */
export async function* queryAll(
  http: HttpSession,
  settings: AutotaskSettings,
  secrets: AutotaskSecrets,
  entity: string,
  filter: AutotaskFilter[],
  fields: readonly string[],
): AsyncGenerator<unknown[]> {
  const chain = new PageChain(AUTOTASK_VENDOR);
  let body = await http.requestJson({
    method: "POST",
    url: `${settings.baseUrl}/V1.0/${entity}/query`,
    headers: autotaskHeaders(secrets),
    body: JSON.stringify({ MaxRecords: settings.pageSize, IncludeFields: fields, filter }),
  });
  for (;;) {
    const page = asObject(body);
    if (!Array.isArray(page.items)) {
      throw new ConnectorError(`${AUTOTASK_VENDOR}: a ${entity} page has no "items" array`);
    }
    yield page.items;
    const next = asObject(page.pageDetails).nextPageUrl;
    if (typeof next !== "string" || next === "") return;
    const url = resolveNextPageUrl(AUTOTASK_VENDOR, settings.baseUrl, next, isAutotaskHost);
    chain.visit(url);
    body = await http.requestJson({ url, headers: autotaskHeaders(secrets) });
  }
}
