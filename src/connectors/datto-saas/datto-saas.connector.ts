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
import { readSaasDomains } from "./datto-saas.client.ts";
import { mapDattoSaasRow } from "./datto-saas.mapper.ts";
import type { DattoSaasSecrets, DattoSaasSettings } from "./datto-saas.settings.ts";

/** Rows per yielded page: the API answers in one piece, the sync engine still gets bounded pages. */
const ROWS_PER_PAGE = 1_000;

/** The Datto SaaS Protection connector: customers, with their domains as sub-organizations. */
export function createDattoSaasConnector(
  rawSettings: DattoSaasSettings,
  secrets: DattoSaasSecrets,
  deps: ConnectorDeps = {},
): ModuleConnector {
  const settings = withoutTrailingSlash(rawSettings);
  return {
    kind: "datto-saas",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<ModuleOrganizationRecord>> {
      const credentials = Buffer.from(`${secrets.publicKey}:${secrets.secretKey}`).toString("base64");
      const http = startHttpSession(
        {
          vendor: "Datto SaaS Protection",
          ...settings,
          secrets: [secrets.publicKey, secrets.secretKey, credentials],
          deps,
        },
        options.signal,
      );
      const rows = await readSaasDomains(http, settings, secrets);
      const seen = new SeenIds();
      const customers = new Set<string>();
      for (let start = 0; start < rows.length || start === 0; start += ROWS_PER_PAGE) {
        const chunk = rows.slice(start, start + ROWS_PER_PAGE);
        yield toPage(chunk.flatMap((raw) => mapDattoSaasRow(raw, seen, customers)));
        if (rows.length === 0) return;
      }
    },
  };
}
