import { ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import { resolveNextPageUrl } from "../http/next-page-url.ts";
import { PageChain } from "../http/page-chain.ts";
import type { PicklistEntry } from "./autotask.mapper.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";

const VENDOR = "Autotask";
/** Only the fields we use: smaller pages, and the same request count. */
const FIELDS = ["id", "companyName", "companyType", "isActive", "parentCompanyID"];

/** Autotask may answer with its zone's own host (webservicesN.autotask.net); that is still Autotask. */
function isAutotaskHost(url: URL): boolean {
  return url.protocol === "https:" && url.hostname.endsWith(".autotask.net");
}

function headers(secrets: AutotaskSecrets): Record<string, string> {
  return {
    ApiIntegrationCode: secrets.apiIntegrationCode,
    UserName: secrets.userName,
    Secret: secrets.secret,
    "Content-Type": "application/json",
    Accept: "application/json",
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** Reads the companyType picklist from GET /V1.0/Companies/entityInformation/fields (one request). */
export async function readCompanyTypes(
  http: HttpSession,
  settings: AutotaskSettings,
  secrets: AutotaskSecrets,
): Promise<PicklistEntry[]> {
  const body = await http.requestJson({
    url: `${settings.baseUrl}/V1.0/Companies/entityInformation/fields`,
    headers: headers(secrets),
  });
  const fields = asObject(body).fields;
  const field = Array.isArray(fields)
    ? fields.map(asObject).find((f) => String(f.name).toLowerCase() === "companytype")
    : undefined;
  if (!field || !Array.isArray(field.picklistValues)) {
    throw new ConnectorError(`${VENDOR}: the Companies field list has no companyType picklist`);
  }
  return field.picklistValues
    .map(asObject)
    .filter(
      (entry) =>
        (typeof entry.value === "string" || typeof entry.value === "number") &&
        typeof entry.label === "string",
    )
    .map((entry) => ({ value: String(entry.value), label: String(entry.label) }));
}

/**
 * Reads every company: one POST /V1.0/Companies/query with the largest page Autotask allows,
 * then GET on each `pageDetails.nextPageUrl` until it is null.
 */
export async function* readCompanies(
  http: HttpSession,
  settings: AutotaskSettings,
  secrets: AutotaskSecrets,
): AsyncGenerator<unknown[]> {
  const chain = new PageChain(VENDOR);
  let body = await http.requestJson({
    method: "POST",
    url: `${settings.baseUrl}/V1.0/Companies/query`,
    headers: headers(secrets),
    body: JSON.stringify({
      MaxRecords: settings.pageSize,
      IncludeFields: FIELDS,
      filter: [{ op: "gte", field: "id", value: 0 }],
    }),
  });
  for (;;) {
    const page = asObject(body);
    if (!Array.isArray(page.items)) {
      throw new ConnectorError(`${VENDOR}: a Companies page has no "items" array`);
    }
    yield page.items;
    const next = asObject(page.pageDetails).nextPageUrl;
    if (typeof next !== "string" || next === "") return;
    const url = resolveNextPageUrl(VENDOR, settings.baseUrl, next, isAutotaskHost);
    chain.visit(url);
    body = await http.requestJson({ url, headers: headers(secrets) });
  }
}
