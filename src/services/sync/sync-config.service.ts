import {
  type ConnectorKindDescription,
  describeConnectorKinds,
} from "../../connectors/connector-registry.ts";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { ModuleRow } from "../../db/schema.ts";
import type { Actor } from "../../domain/actor.ts";
import { invalidValue, isAppError, notFound } from "../../domain/errors.ts";
import type { SecretBox } from "../secret-box.ts";
import { inUnitOfWork, type UnitOfWork } from "../unit-of-work.ts";
import { validateSchedule } from "./schedule.ts";
import { type SyncRunView, toRunView } from "./sync.service.ts";
import {
  openConnectorSecrets,
  type SyncTarget,
  sealConnectorSecrets,
  validateConnector,
} from "./sync-connectors.ts";

export interface ConnectorInput {
  kind: string;
  settings?: Record<string, unknown> | undefined;
  /** Omitted: keep the stored secrets (when the kind stays the same). */
  secrets?: Record<string, unknown> | undefined;
}

export interface SyncConfigInput {
  connector?: ConnectorInput | undefined;
  schedule?: string | undefined;
}

export interface ConnectorView {
  kind: string;
  settings: Record<string, unknown>;
  hasSecrets: boolean;
}

export interface PsaView {
  connector: ConnectorView | null;
  schedule: string;
  lastSync: SyncRunView | null;
}

interface StoredConnector {
  connector_kind: string | null;
  connector_settings: Record<string, unknown>;
  connector_secrets: string | null;
  schedule: string;
}

/** The stored connector as answers show it: settings, and only whether there are secrets. */
export const connectorView = (row: StoredConnector): ConnectorView | null =>
  row.connector_kind
    ? {
        kind: row.connector_kind,
        settings: row.connector_settings,
        hasSecrets: row.connector_secrets !== null,
      }
    : null;

/** Where a connector sends its secrets: the base URL's origin (scheme, host, port), or none. */
function destinationOf(settings: Record<string, unknown>): string | null {
  if (typeof settings.baseUrl !== "string") return null;
  try {
    return new URL(settings.baseUrl).origin;
  } catch {
    return settings.baseUrl;
  }
}

/**
 * Stored secrets are kept only for the origin they were given for (issue 11 point 2): another host,
 * port or scheme (https to http sends them in clear) needs them sent again.
 */
const sameDestination = (stored: Record<string, unknown>, sent: Record<string, unknown>) =>
  destinationOf(stored) === destinationOf(sent);

/**
 * Validates a connector whose stored secrets are not kept: when none were sent and the kind needs
 * some, the 422 names connector.secrets and says why, instead of one missing secret field.
 */
function secretsSentAgain<T>(
  stored: string | null,
  sent: Record<string, unknown> | undefined,
  validate: () => T,
): T {
  try {
    return validate();
  } catch (error) {
    if (
      stored !== null &&
      sent === undefined &&
      isAppError(error) &&
      error.field?.startsWith("connector.secrets")
    ) {
      throw invalidValue(
        "connector.secrets",
        "the connector's kind or address changed: send its secrets again (stored secrets only go where they were given for)",
      );
    }
    throw error;
  }
}

/**
 * Connector and schedule of modules and the PSA. Secrets are validated, sealed (AES-256-GCM) and
 * stored; the audit and every answer only say whether there are some.
 */
export class SyncConfigService {
  constructor(
    private readonly ctx: AppContext,
    private readonly secrets: SecretBox,
  ) {}

  /** Every connector kind with its label, role and JSON Schemas (the web form renders from them). */
  connectorKinds(): ConnectorKindDescription[] {
    return describeConnectorKinds();
  }

  /** `{connector: {kind, settings, secrets?}, schedule?}` of one module, in a transaction of its own. */
  async configureModule(actor: Actor, key: string, input: SyncConfigInput): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async (unit) => {
      const module = await unit.repos.modules.lock(key);
      if (!module) throw notFound("module", key, "key");
      await this.configureModuleIn(unit, module, input);
    });
  }

  /**
   * The same inside the caller's unit of work, on the module row it has locked: PATCH
   * /modules/{key} changes name, billing, connector and schedule in one transaction and one step.
   */
  async configureModuleIn(unit: UnitOfWork, module: ModuleRow, input: SyncConfigInput): Promise<void> {
    const patch = this.prepare("module", module.key, module, input);
    if (!patch) return;
    await unit.repos.modules.update(module.key, patch.columns);
    unit.step.record({
      action: "module.sync_configured",
      entityType: "module_sync",
      entityId: module.key,
      summary: `connector or schedule of ${module.name} changed`,
      before: patch.before,
      after: patch.after,
    });
  }

  async getPsa(): Promise<PsaView> {
    const repos = repositories(this.ctx.db);
    const row = await repos.psaConnection.get();
    const last = await repos.syncRuns.latest(null);
    return { connector: connectorView(row), schedule: row.schedule, lastSync: last ? toRunView(last) : null };
  }

  async configurePsa(actor: Actor, input: SyncConfigInput): Promise<PsaView> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const row = await repos.psaConnection.get();
      const patch = this.prepare("psa", null, row, input);
      if (!patch) return;
      await repos.psaConnection.update(patch.columns);
      step.record({
        action: "psa.sync_configured",
        entityType: "psa_sync",
        entityId: "psa",
        summary: "PSA connector or schedule changed",
        before: patch.before,
        after: patch.after,
      });
    });
    return this.getPsa();
  }

  /** Validates the input against the stored row; the columns to write, or null when nothing changes. */
  private prepare(target: SyncTarget, scope: string | null, row: StoredConnector, input: SyncConfigInput) {
    const columns: {
      connector_kind?: string;
      connector_settings?: string;
      connector_secrets?: string | null;
      schedule?: string;
    } = {};
    if (input.schedule !== undefined && input.schedule !== row.schedule) {
      columns.schedule = validateSchedule(input.schedule);
    }
    if (input.connector) {
      const { kind, settings, secrets } = input.connector;
      const keepSecrets =
        secrets === undefined &&
        kind === row.connector_kind &&
        sameDestination(row.connector_settings, settings ?? {});
      const plainSecrets = keepSecrets
        ? openConnectorSecrets(this.secrets, scope, row.connector_secrets)
        : (secrets ?? {});
      const valid = secretsSentAgain(row.connector_secrets, secrets, () =>
        validateConnector(target, kind, settings ?? {}, plainSecrets),
      );
      columns.connector_kind = valid.kind;
      columns.connector_settings = JSON.stringify(valid.settings);
      columns.connector_secrets = keepSecrets
        ? row.connector_secrets
        : sealConnectorSecrets(this.secrets, scope, valid.secrets);
    }
    if (Object.keys(columns).length === 0) return null;
    const before = { connector: connectorView(row), schedule: row.schedule };
    const after = {
      connector: columns.connector_kind
        ? {
            kind: columns.connector_kind,
            settings: JSON.parse(columns.connector_settings ?? "{}") as Record<string, unknown>,
            hasSecrets: columns.connector_secrets !== null,
          }
        : before.connector,
      schedule: columns.schedule ?? row.schedule,
    };
    return { columns, before, after };
  }
}
