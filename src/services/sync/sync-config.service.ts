import type { AppContext } from "../../context.ts";
import { PsaConnectionRepository } from "../../db/psa-connection.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { SyncRunRepository } from "../../db/sync-run.repository.ts";
import type { Actor } from "../../domain/actor.ts";
import { notFound } from "../../domain/errors.ts";
import { AuditStep } from "../audit-step.ts";
import { validateSchedule } from "./schedule.ts";
import { type SyncRunView, type SyncService, toRunView } from "./sync.service.ts";
import { type SyncTarget, validateConnector } from "./sync-connectors.ts";

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

const connectorView = (row: StoredConnector): ConnectorView | null =>
  row.connector_kind
    ? {
        kind: row.connector_kind,
        settings: row.connector_settings,
        hasSecrets: row.connector_secrets !== null,
      }
    : null;

/**
 * Connector and schedule of modules and the PSA. Secrets are validated, sealed (AES-256-GCM) and
 * stored; the audit and every answer only say whether there are some.
 */
export class SyncConfigService {
  constructor(
    private readonly ctx: AppContext,
    private readonly sync: SyncService,
  ) {}

  /** PATCH /modules/{key}: `{connector: {kind, settings, secrets?}, schedule?}`. */
  async configureModule(actor: Actor, key: string, input: SyncConfigInput): Promise<void> {
    await this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const module = await repos.modules.lock(key);
      if (!module) throw notFound("module", key, "key");
      const patch = this.prepare("module", key, module, input);
      if (!patch) return;
      await repos.modules.update(key, patch.columns);
      const step = new AuditStep(actor, this.ctx.clock.now());
      step.record({
        action: "module.sync_configured",
        entityType: "module_sync",
        entityId: key,
        summary: `connector or schedule of ${module.name} changed`,
        before: patch.before,
        after: patch.after,
      });
      await step.flush(repos.audit);
    });
  }

  async getPsa(): Promise<PsaView> {
    const row = await new PsaConnectionRepository(this.ctx.db).get();
    const last = await new SyncRunRepository(this.ctx.db).latest(null);
    return { connector: connectorView(row), schedule: row.schedule, lastSync: last ? toRunView(last) : null };
  }

  async configurePsa(actor: Actor, input: SyncConfigInput): Promise<PsaView> {
    await this.ctx.db.transaction().execute(async (tx) => {
      const psa = new PsaConnectionRepository(tx);
      const row = await psa.get();
      const patch = this.prepare("psa", null, row, input);
      if (!patch) return;
      await psa.update(patch.columns);
      const step = new AuditStep(actor, this.ctx.clock.now());
      step.record({
        action: "psa.sync_configured",
        entityType: "psa_sync",
        entityId: "psa",
        summary: "PSA connector or schedule changed",
        before: patch.before,
        after: patch.after,
      });
      await step.flush(repositories(tx).audit);
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
      const keepSecrets = secrets === undefined && kind === row.connector_kind;
      const plainSecrets = keepSecrets
        ? this.sync.openSecrets(scope, row.connector_secrets)
        : (secrets ?? {});
      const valid = validateConnector(target, kind, settings ?? {}, plainSecrets);
      columns.connector_kind = valid.kind;
      columns.connector_settings = JSON.stringify(valid.settings);
      columns.connector_secrets = keepSecrets
        ? row.connector_secrets
        : this.sync.sealSecrets(scope, valid.secrets);
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
