import { ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import type { PicklistEntry } from "./autotask.mapper.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";
import { AUTOTASK_VENDOR, asObject, autotaskHeaders, queryAll } from "./autotask-rest.ts";

const VENDOR = AUTOTASK_VENDOR;
/** Only the fields we use: smaller pages, and the same request count. */
const FIELDS = ["id", "companyName", "companyType", "isActive", "parentCompanyID"];

/** Reads the companyType picklist from GET /V1.0/Companies/entityInformation/fields (one request). */
export async function readCompanyTypes(
  http: HttpSession,
  settings: AutotaskSettings,
  secrets: AutotaskSecrets,
): Promise<PicklistEntry[]> {
  const body = await http.requestJson({
    url: `${settings.baseUrl}/V1.0/Companies/entityInformation/fields`,
    headers: autotaskHeaders(secrets),
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
export function readCompanies(
  http: HttpSession,
  settings: AutotaskSettings,
  secrets: AutotaskSecrets,
): AsyncGenerator<unknown[]> {
  return queryAll(http, settings, secrets, "Companies", [{ op: "gte", field: "id", value: 0 }], FIELDS);
}
