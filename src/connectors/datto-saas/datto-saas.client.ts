import { ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import type { DattoSaasSecrets, DattoSaasSettings } from "./datto-saas.settings.ts";

/** Reads GET /v1/saas/domains: one request, the whole list as a plain array. */
export async function readSaasDomains(
  http: HttpSession,
  settings: DattoSaasSettings,
  secrets: DattoSaasSecrets,
): Promise<unknown[]> {
  const credentials = Buffer.from(`${secrets.publicKey}:${secrets.secretKey}`).toString("base64");
  const body = await http.requestJson({
    url: `${settings.baseUrl}/v1/saas/domains`,
    headers: { authorization: `Basic ${credentials}`, accept: "application/json" },
  });
  if (!Array.isArray(body)) throw new ConnectorError("Datto SaaS Protection: /v1/saas/domains is not a list");
  return body;
}
