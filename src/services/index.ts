import type { AppContext } from "../context.ts";
import { AlertChannelService } from "./alerts/alert-channel.service.ts";
import { AlertSubscriptionService } from "./alerts/alert-subscription.service.ts";
import { AlertWorker, type AlertWorkerOptions } from "./alerts/alert-worker.ts";
import { AuditService } from "./audit.service.ts";
import { AuthService } from "./auth.service.ts";
import { ActivityLogService } from "./billing/posting/activity-log.service.ts";
import { ApprovalService } from "./billing/posting/approval.service.ts";
import { PostingService, type PostingServiceOptions } from "./billing/posting/posting.service.ts";
import { ReconciliationPostingSource } from "./billing/posting/reconciliation-source.ts";
import { ReconciliationService } from "./billing/reconciliation.service.ts";
import { ReconciliationWarmer } from "./billing/reconciliation-warmer.ts";
import { ServiceMappingService } from "./billing/service-mapping.service.ts";
import { ConnectorTestService } from "./connector-test.service.ts";
import { DashboardService } from "./dashboard.service.ts";
import { GridService } from "./grid.service.ts";
import { MappingService } from "./mapping.service.ts";
import { MfaService } from "./mfa/mfa.service.ts";
import { ModuleService } from "./module.service.ts";
import { ModuleOrganizationService } from "./module-organization.service.ts";
import { OidcService } from "./oidc/oidc.service.ts";
import { OrganizationService } from "./organization.service.ts";
import { PasswordResetService } from "./password-reset.service.ts";
import { PsaOrganizationService, type PsaOrganizationServiceOptions } from "./psa-organization.service.ts";
import { createSecretBox } from "./secret-box.ts";
import { SessionService } from "./session.service.ts";
import { SettingsService } from "./settings.service.ts";
import { SuggestionService } from "./suggestion/suggestion.service.ts";
import { SyncService, type SyncServiceOptions } from "./sync/sync.service.ts";
import { SyncConfigService } from "./sync/sync-config.service.ts";

export interface ServicesOptions {
  /** Lease, owner and connector effects of the sync engine (tests: fast sleep). */
  sync?: SyncServiceOptions;
  /** Posting's planner source, owner and PSA effects (issue 10; tests: the emulator). */
  posting?: PostingServiceOptions;
  /** Lease, owner, timeouts and retry delays of the alert delivery worker (tests: short). */
  alerts?: AlertWorkerOptions;
  /** PSA effects and lease owner of "Create in the PSA" (issue 14; tests: the emulator). */
  psaOrganizations?: PsaOrganizationServiceOptions;
}

/**
 * Every use case, bound to one context. Built once at start-up (or per test file). Building starts
 * nothing: the sync scheduler runs only under `orgmap serve` (src/cli/serve.command.ts).
 */
export function createServices(ctx: AppContext, options: ServicesOptions = {}) {
  const settings = new SettingsService(ctx);
  // One box per instance: connector credentials are sealed and opened only through it.
  const secretBox = createSecretBox(ctx.config);
  const syncConfig = new SyncConfigService(ctx, secretBox);
  const reconciliation = new ReconciliationService(ctx, settings);
  const posting = new PostingService(ctx, secretBox, {
    source: new ReconciliationPostingSource(ctx, reconciliation),
    ...options.posting,
  });
  const auth = new AuthService(ctx);
  // Built here, started only by `orgmap serve`; "Send test" sends through it.
  const alertWorker = new AlertWorker(ctx, secretBox, options.alerts);
  return {
    alertChannels: new AlertChannelService(ctx, secretBox, alertWorker),
    alertSubscriptions: new AlertSubscriptionService(ctx),
    alertWorker,
    activityLog: new ActivityLogService(ctx, posting),
    approvals: new ApprovalService(ctx),
    audit: new AuditService(ctx),
    auth,
    dashboard: new DashboardService(ctx, reconciliation),
    connectorTest: new ConnectorTestService(ctx, secretBox, options.sync?.connectorDeps),
    passwordReset: new PasswordResetService(ctx, auth),
    grid: new GridService(ctx, settings),
    mapping: new MappingService(ctx),
    modules: new ModuleService(ctx, syncConfig),
    moduleOrganizations: new ModuleOrganizationService(ctx),
    organizations: new OrganizationService(ctx),
    posting,
    psaOrganizations: new PsaOrganizationService(ctx, secretBox, options.psaOrganizations),
    reconciliation,
    // Built here, poked only by `orgmap serve` (after each scheduler tick and at start).
    reconciliationWarmer: new ReconciliationWarmer(ctx, reconciliation),
    secretBox,
    serviceMappings: new ServiceMappingService(ctx),
    mfa: new MfaService(ctx, secretBox, auth),
    sessions: new SessionService(ctx),
    settings,
    suggestions: new SuggestionService(ctx),
    sync: new SyncService(ctx, secretBox, options.sync),
    syncConfig,
    oidc: new OidcService(ctx, secretBox, auth),
  };
}

export type Services = ReturnType<typeof createServices>;
