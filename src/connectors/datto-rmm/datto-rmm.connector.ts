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
import { DattoRmmClient } from "./datto-rmm.client.ts";
import { mapDattoRmmSite } from "./datto-rmm.mapper.ts";
import type { DattoRmmSecrets, DattoRmmSettings } from "./datto-rmm.settings.ts";
import { LISTED_SITES, type ListedSite, listedSite } from "./datto-rmm-usage.client.ts";

/** The Datto RMM connector: account sites, 250 per request, "Deleted Devices" skipped. */
export function createDattoRmmConnector(
  rawSettings: DattoRmmSettings,
  secrets: DattoRmmSecrets,
  deps: ConnectorDeps = {},
): ModuleConnector {
  const settings = withoutTrailingSlash(rawSettings);
  const client = new DattoRmmClient(settings, secrets, deps);
  return {
    kind: "datto-rmm",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<ModuleOrganizationRecord>> {
      const http = startHttpSession(
        { vendor: "Datto RMM", ...settings, secrets: [secrets.apiKey, secrets.apiSecret], deps },
        options.signal,
      );
      const seen = new SeenIds();
      const listed: ListedSite[] = [];
      for await (const sites of client.readSites(http)) {
        for (const raw of sites) listed.push(listedSite(raw));
        yield toPage(sites.map((raw) => mapDattoRmmSite(raw, seen)));
      }
      // The whole list was read: the same run's usage read takes its totals from it (no request).
      deps.runShared?.set(LISTED_SITES, listed);
    },
  };
}
