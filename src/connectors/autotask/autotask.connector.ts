import type { ConnectorDeps, FetchOptions, Page, PsaConnector, PsaOrganizationRecord } from "../connector.ts";
import { startHttpSession } from "../http/http-client.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { SeenIds, toPage } from "../record-checks.ts";
import { readCompanies, readCompanyTypes } from "./autotask.client.ts";
import { buildCompanyTypeLookup, mapAutotaskCompany } from "./autotask.mapper.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";

/**
 * The Autotask (PSA) connector: the companyType picklist once per read, then every company in
 * pages of 500. A 10,000-company database costs 21 requests of the shared hourly budget.
 */
export function createAutotaskConnector(
  rawSettings: AutotaskSettings,
  secrets: AutotaskSecrets,
  deps: ConnectorDeps = {},
): PsaConnector {
  const settings = withoutTrailingSlash(rawSettings);
  return {
    kind: "autotask",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<PsaOrganizationRecord>> {
      const http = startHttpSession(
        {
          vendor: "Autotask",
          ...settings,
          secrets: [secrets.secret, secrets.apiIntegrationCode, secrets.userName],
          deps,
        },
        options.signal,
      );
      const types = buildCompanyTypeLookup(await readCompanyTypes(http, settings, secrets));
      const seen = new SeenIds();
      for await (const items of readCompanies(http, settings, secrets)) {
        yield toPage(items.map((raw) => mapAutotaskCompany(raw, types, seen)));
      }
    },
  };
}
