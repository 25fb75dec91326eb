import { ActivityLogRepository } from "./activity-log.repository.ts";
import { AlertChannelRepository } from "./alert-channel.repository.ts";
import { AlertDeliveryRepository } from "./alert-delivery.repository.ts";
import { AlertSourceRepository } from "./alert-source.repository.ts";
import { AlertSubscriptionRepository } from "./alert-subscription.repository.ts";
import { AuditRepository } from "./audit.repository.ts";
import { DashboardRepository } from "./dashboard.repository.ts";
import type { Db } from "./database.ts";
import { MappingRepository } from "./mapping.repository.ts";
import { MappingIntervalRepository } from "./mapping-interval.repository.ts";
import { MfaRepository } from "./mfa.repository.ts";
import { ModuleRepository } from "./module.repository.ts";
import { ModuleOrganizationRepository } from "./module-organization.repository.ts";
import { OidcRepository } from "./oidc.repository.ts";
import { OrganizationRepository } from "./organization.repository.ts";
import { OutboxRepository } from "./outbox.repository.ts";
import { PostingRepository } from "./posting.repository.ts";
import { PostingApprovalRepository } from "./posting-approval.repository.ts";
import { PostingAttemptRepository } from "./posting-attempt.repository.ts";
import { PsaConnectionRepository } from "./psa-connection.repository.ts";
import { PsaContractRepository } from "./psa-contract.repository.ts";
import { PsaCreateAttemptRepository } from "./psa-create-attempt.repository.ts";
import { ServiceMappingRepository } from "./service-mapping.repository.ts";
import { SessionRepository } from "./session.repository.ts";
import { SettingsRepository } from "./settings.repository.ts";
import { SyncRunRepository } from "./sync-run.repository.ts";
import { UsageLedgerRepository } from "./usage-ledger.repository.ts";
import { UserRepository } from "./user.repository.ts";

/** Every repository bound to one connection or transaction. Construction is free; build per use. */
export function repositories(db: Db) {
  return {
    organizations: new OrganizationRepository(db),
    modules: new ModuleRepository(db),
    moduleOrganizations: new ModuleOrganizationRepository(db),
    mappings: new MappingRepository(db),
    audit: new AuditRepository(db),
    settings: new SettingsRepository(db),
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    mfa: new MfaRepository(db),
    psaConnection: new PsaConnectionRepository(db),
    syncRuns: new SyncRunRepository(db),
    usageLedger: new UsageLedgerRepository(db),
    mappingIntervals: new MappingIntervalRepository(db),
    serviceMappings: new ServiceMappingRepository(db),
    psaContracts: new PsaContractRepository(db),
    posting: new PostingRepository(db),
    postingAttempts: new PostingAttemptRepository(db),
    postingApprovals: new PostingApprovalRepository(db),
    activityLog: new ActivityLogRepository(db),
    dashboard: new DashboardRepository(db),
    outbox: new OutboxRepository(db),
    alertSources: new AlertSourceRepository(db),
    alertChannels: new AlertChannelRepository(db),
    alertSubscriptions: new AlertSubscriptionRepository(db),
    alertDeliveries: new AlertDeliveryRepository(db),
    oidc: new OidcRepository(db),
    psaCreateAttempts: new PsaCreateAttemptRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
