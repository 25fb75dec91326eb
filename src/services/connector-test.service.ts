import { importDirOf } from "../config.ts";
import { type ConnectorDeps, ConnectorError } from "../connectors/connector.ts";
import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import { notFound } from "../domain/errors.ts";
import type { SecretBox } from "./secret-box.ts";
import {
  buildConnector,
  openConnectorSecrets,
  type SyncTarget,
  validateConnector,
} from "./sync/sync-connectors.ts";

/** How long "Test connection" waits for the vendor's first page. */
const TEST_TIMEOUT_MS = 20_000;

export interface ConnectorTestInput {
  target: SyncTarget;
  /** The module being configured (its stored credentials are used when none are sent); null: a new module or the PSA. */
  moduleKey: string | null;
  kind: string;
  settings: Record<string, unknown>;
  /** Left out: the stored credentials of the module (or the PSA), when the kind is the same. */
  secrets?: Record<string, unknown> | undefined;
}

export interface ConnectorTestResult {
  ok: boolean;
  message: string;
  firstPageRecords: number;
  rejected: number;
  sampleNames: string[];
  ms: number;
}

/**
 * "Test connection" (issue 13 point 7): builds the connector from the form's values exactly as a
 * sync would (the same definitions, validation and HTTP client) and reads the first page, without
 * storing anything. A configuration error is a 422 naming the field; a vendor error is an answer
 * (`ok: false` with the vendor's words), since the request itself was fine.
 */
export class ConnectorTestService {
  constructor(
    private readonly ctx: AppContext,
    private readonly secretBox: SecretBox,
    private readonly deps: ConnectorDeps = {},
  ) {}

  async test(input: ConnectorTestInput): Promise<ConnectorTestResult> {
    const secrets = input.secrets ?? (await this.storedSecrets(input));
    validateConnector(input.target, input.kind, input.settings, secrets);
    const connector = buildConnector(input.target, input.kind, input.settings, secrets, {
      importDir: importDirOf(this.ctx.config),
      ...this.deps,
    });
    const started = Date.now();
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    try {
      for await (const page of connector.fetchAll({ signal })) {
        const names = page.records.slice(0, 3).map((record) => record.name);
        return {
          ok: true,
          message: `Connected: the first page holds ${page.records.length.toLocaleString("en-US")} records${
            page.rejected.length ? ` and ${page.rejected.length} unreadable ones` : ""
          }.`,
          firstPageRecords: page.records.length,
          rejected: page.rejected.length,
          sampleNames: names,
          ms: Date.now() - started,
        };
      }
      return {
        ok: true,
        message: "Connected: the list is empty.",
        firstPageRecords: 0,
        rejected: 0,
        sampleNames: [],
        ms: Date.now() - started,
      };
    } catch (error) {
      const message =
        error instanceof ConnectorError
          ? (error.details.summary ?? error.message)
          : signal.aborted
            ? `no answer within ${TEST_TIMEOUT_MS / 1000} seconds`
            : "the connection failed";
      const status = error instanceof ConnectorError ? (error.details.status ?? null) : null;
      return {
        ok: false,
        message: `Not connected: ${message}${status ? ` (HTTP ${status})` : ""}`,
        firstPageRecords: 0,
        rejected: 0,
        sampleNames: [],
        ms: Date.now() - started,
      };
    }
  }

  private async storedSecrets(input: ConnectorTestInput): Promise<Record<string, unknown>> {
    const repos = repositories(this.ctx.db);
    if (input.target === "psa") {
      const psa = await repos.psaConnection.get();
      return psa.connector_kind === input.kind
        ? openConnectorSecrets(this.secretBox, null, psa.connector_secrets)
        : {};
    }
    if (!input.moduleKey) return {};
    const module = await repos.modules.findByKey(input.moduleKey);
    if (!module) throw notFound("module", input.moduleKey, "moduleKey");
    return module.connector_kind === input.kind
      ? openConnectorSecrets(this.secretBox, input.moduleKey, module.connector_secrets)
      : {};
  }
}
