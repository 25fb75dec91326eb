import type {
  ConnectorDeps,
  FetchOptions,
  ModuleConnector,
  ModuleOrganizationRecord,
  Page,
} from "../connector.ts";
import { startHttpSession } from "../http/http-client.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { SeenIds, toPage } from "../record-checks.ts";
import { readItGlueOrganizations } from "./itglue.client.ts";
import { mapItGlueOrganization } from "./itglue.mapper.ts";
import type { ItGlueSecrets, ItGlueSettings } from "./itglue.settings.ts";

/** The IT Glue connector: organizations, 1000 per request. Settings must already be validated. */
export function createItGlueConnector(
  rawSettings: ItGlueSettings,
  secrets: ItGlueSecrets,
  deps: ConnectorDeps = {},
): ModuleConnector {
  const settings = withoutTrailingSlash(rawSettings);
  return {
    kind: "itglue",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<ModuleOrganizationRecord>> {
      const http = startHttpSession(
        { vendor: "IT Glue", ...settings, secrets: [secrets.apiKey], deps },
        options.signal,
      );
      const seen = new SeenIds();
      for await (const page of readItGlueOrganizations(http, settings, secrets)) {
        yield toPage(page.data.map((raw) => mapItGlueOrganization(raw, seen)));
      }
    },
  };
}
