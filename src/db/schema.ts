import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { ModuleOrganizationStatus } from "../domain/module.ts";
import type { OrganizationType } from "../domain/organization.ts";
import type { OrganizationTerm } from "../domain/term.ts";
import type {
  AlertChannelsTable,
  AlertDeliveriesTable,
  AlertRecipientsTable,
  AlertSubscriptionsTable,
  OutboxEventsTable,
  PsaCreateAttemptsTable,
} from "./alert-schema.ts";

/** Kysely's view of the schema created by src/db/migrations. Keep in step with the migrations. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

import type { Role } from "../domain/role.ts";

export type { Role };

export interface SettingsTable {
  id: Generated<number>;
  organization_term: ColumnType<OrganizationTerm, OrganizationTerm | undefined, OrganizationTerm>;
  time_zone: Generated<string>;
  currency: Generated<string>;
  locale: Generated<string>;
  module_column_order: Json<string[]>;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  password_hash: string;
  role: Role;
  is_disabled: Generated<boolean>;
  must_change_password: Generated<boolean>;
  created_at: Timestamp;
  password_changed_at: Timestamp;
  /** The TOTP secret sealed with the instance key; null: no MFA (or not yet enrolled). */
  totp_secret: string | null;
  /** When the TOTP secret was confirmed with a code; null while enrolling. */
  totp_enabled_at: Timestamp | null;
  /** The time step of the last code accepted: a code is never accepted twice (replay). */
  totp_last_step: ColumnType<string | null, string | number | null, string | number | null>;
  /** Migration 0016: matched (case-insensitive) against the verified e-mail of a single sign-on. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  ip: string | null;
  /** The id shown in the sessions list (the primary key is the cookie's hash, never shown). */
  public_id: Generated<string>;
  user_agent: string | null;
  /** Migration 0016: how the session was opened; orgmap's MFA is not asked after single sign-on. */
  auth_method: ColumnType<"password" | "sso", "password" | "sso" | undefined, "password" | "sso">;
}

export interface MfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

/** A sign-in between its password and its TOTP code (id: the hash of the challenge token). */
export interface MfaChallengesTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface SecuritySettingsTable {
  id: Generated<number>;
  mfa_required_for_admins: Generated<boolean>;
  updated_at: Timestamp;
  /** Migration 0016: false: only the break-glass admin may sign in with a password. */
  password_login_enabled: Generated<boolean>;
  break_glass_username: string | null;
}

/** Migration 0016: the single sign-on provider (one per instance). */
export interface OidcProviderTable {
  id: Generated<number>;
  enabled: Generated<boolean>;
  issuer_url: string;
  client_id: string;
  /** Sealed with the instance key (context "oidc:client"); null: a public client. */
  client_secret: string | null;
  display_name: string;
  default_role: Role;
  allowed_domains: Json<string[]>;
  updated_at: Timestamp;
}

/** Migration 0016: a started single sign-on (id: the hash of the browser's login cookie). */
export interface OidcLoginsTable {
  id: string;
  state: string;
  nonce: string;
  /** The PKCE verifier, sealed. */
  code_verifier: string;
  redirect_uri: string;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  role: Role;
  token_hash: string;
  created_by: string;
  /** The user who created it (the token stops with their account); null: created from the CLI. */
  owner_user_id: string | null;
  created_at: Timestamp;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

export interface LoginAttemptsTable {
  /** "account:<username>" or "address:<ip>". */
  key: string;
  window_started_at: Timestamp;
  attempts: number;
}

export interface UserPreferencesTable {
  user_id: string;
  module_column_order: Json<string[]>;
  updated_at: Timestamp;
}

export interface OrganizationsTable {
  id: Generated<string>;
  psa_id: string;
  name: string;
  type: OrganizationType;
  is_active: Generated<boolean>;
  parent_id: string | null;
  status: ColumnType<ModuleOrganizationStatus, ModuleOrganizationStatus | undefined>;
  tree_sort: Generated<string>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  updated_at: Timestamp;
}

export interface PsaConnectionTable {
  id: Generated<number>;
  connector_kind: string | null;
  connector_settings: Json<Record<string, unknown>>;
  connector_secrets: string | null;
  schedule: Generated<string>;
}

export interface ModulesTable {
  key: string;
  name: string;
  billing_enabled: Generated<boolean>;
  billing_changed_at: Date | string | null;
  first_successful_sync_at: Date | string | null;
  connector_kind: string | null;
  connector_settings: Json<Record<string, unknown>>;
  connector_secrets: string | null;
  schedule: Generated<string>;
  created_at: Timestamp;
}

export interface ModuleOrganizationsTable {
  id: Generated<string>;
  module_key: string;
  external_id: string;
  name: string;
  parent_id: string | null;
  status: ColumnType<ModuleOrganizationStatus, ModuleOrganizationStatus | undefined>;
  attributes: Json<Record<string, unknown>>;
  tree_sort: Generated<string>;
  version: Generated<number>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export type MappingSource = "user" | "grid" | "organization_page" | "bulk" | "suggestion" | "import" | "undo";

export interface MappingsTable {
  module_organization_id: string;
  organization_id: string;
  module_key: string;
  source: MappingSource;
  created_by: string;
  created_at: Timestamp;
}

export interface IgnoresTable {
  organization_id: string;
  module_key: string;
  created_by: string;
  created_at: Timestamp;
}

export interface ExclusionsTable {
  module_organization_id: string;
  created_by: string;
  created_at: Timestamp;
}

export interface AliasesTable {
  id: Generated<string>;
  name: string;
  organization_id: string;
  created_by: string;
  created_at: Timestamp;
}

export interface SuggestionRejectionsTable {
  module_organization_id: string;
  organization_id: string;
  created_by: string;
  created_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<number>;
  step_id: string;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  summary: Generated<string>;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  undone_by_step: string | null;
}

/** One step of the history (migration 0011): kept by `AuditRepository` as its events are inserted. */
export interface AuditStepsTable {
  step_id: string;
  at: Timestamp;
  actor: string;
  title: string | null;
  event_count: number;
  last_event_id: ColumnType<string, number | string, number | string>;
  entity_types: string[];
  summary: Generated<string>;
  undone_by_step: string | null;
  undoes_step: string | null;
}

export type SyncOutcome = "running" | "succeeded" | "failed";

export interface SyncCounts {
  seen: number;
  added: number;
  renamed: number;
  missing: number;
  returned: number;
  rejected: number;
  /** HTTP requests the run sent (retries included): the organizations read and the usage or contracts read. */
  requests: number;
  /** A completed module run: its active module organizations neither mapped nor excluded at the end. */
  unmappedAtEnd?: number;
}

/**
 * The usage (module run) or contracts (PSA run) part of a sync run. Usage counts: unchanged,
 * changed, opened, unknown, ignored, rejected; contracts counts: services, contracts,
 * contractServices, contractServiceUnits, rejected.
 */
export interface SyncBillingPart {
  part: "usage" | "contracts";
  outcome: "complete" | "failed";
  /** Why it failed: a code and a short message, never a vendor's body. */
  error: { code: string; message: string } | null;
  requestCount: number;
  counts: Record<string, number>;
}

export interface SyncRunsTable {
  id: Generated<string>;
  module_key: string | null;
  trigger: string;
  started_at: Timestamp;
  finished_at: Date | string | null;
  outcome: ColumnType<SyncOutcome, SyncOutcome | undefined, SyncOutcome>;
  counts: Json<Partial<SyncCounts>>;
  error: string | null;
  rejected: Json<{ reason: string; raw: unknown }[]>;
  lease_owner: string | null;
  lease_expires_at: Date | string | null;
  /** Migration 0006: the usage or contracts part; null when the run made no such read. */
  billing: Json<SyncBillingPart> | null;
  /** Its rejected readings or records (at most 1,000). */
  billing_rejected: Json<{ reason: string; raw: unknown }[]>;
}

export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  security_settings: SecuritySettingsTable;
  oidc_provider: OidcProviderTable;
  oidc_logins: OidcLoginsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  user_preferences: UserPreferencesTable;
  organizations: OrganizationsTable;
  psa_connection: PsaConnectionTable;
  modules: ModulesTable;
  module_organizations: ModuleOrganizationsTable;
  mappings: MappingsTable;
  ignores: IgnoresTable;
  exclusions: ExclusionsTable;
  aliases: AliasesTable;
  suggestion_rejections: SuggestionRejectionsTable;
  audit_events: AuditEventsTable;
  audit_steps: AuditStepsTable;
  sync_runs: SyncRunsTable;

  // Billing (migration 0004, docs/BILLING.md).
  usage_ledger: UsageLedgerTable;
  usage_reads: UsageReadsTable;
  mapping_intervals: MappingIntervalsTable;
  service_mappings: ServiceMappingsTable;
  psa_contract_reads: PsaContractReadsTable;
  psa_services: PsaServicesTable;
  psa_contracts: PsaContractsTable;
  psa_contract_services: PsaContractServicesTable;
  psa_contract_service_units: PsaContractServiceUnitsTable;

  // Posting (migration 0007, docs/BILLING.md "Posting").
  posting_settings: PostingSettingsTable;
  posting_config: PostingConfigTable;
  posting_runs: PostingRunsTable;
  posting_attempts: PostingAttemptsTable;
  posting_leases: PostingLeasesTable;
  posting_approvals: PostingApprovalsTable;
  activity_log: ActivityLogTable;
  posting_budget: PostingBudgetTable;
  // Reconciliation snapshots (migration 0010, docs/BILLING.md).
  reconciliation_data_version: ReconciliationDataVersionTable;
  reconciliation_changes: ReconciliationChangesTable;
  reconciliation_change_versions: ReconciliationChangeVersionsTable;
  reconciliation_type_parts: ReconciliationTypePartsTable;
  reconciliation_snapshots: ReconciliationSnapshotsTable;
  reconciliation_rows: ReconciliationRowsTable;
  // Alerts (migration 0008, alert-schema.ts).
  outbox_events: OutboxEventsTable;
  alert_channels: AlertChannelsTable;
  alert_recipients: AlertRecipientsTable;
  alert_subscriptions: AlertSubscriptionsTable;
  alert_deliveries: AlertDeliveriesTable;
  // Creating the PSA organization (migration 0017, alert-schema.ts).
  psa_create_attempts: PsaCreateAttemptsTable;
}

export type AuditStepRow = Selectable<AuditStepsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type ModuleRow = Selectable<ModulesTable>;
export type ModuleOrganizationRow = Selectable<ModuleOrganizationsTable>;
export type UserRow = Selectable<UsersTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;

// ---- Billing (migration 0004-billing) ------------------------------------------------------------

/** A date column: written and read as "YYYY-MM-DD" (repositories select it `::text`, never as a Date). */
type CalendarDate = ColumnType<string, string, string>;
/** numeric(19,4): written as a decimal string, read `::text` and parsed by domain/billing/money.ts. */
type Decimal = ColumnType<string | null, string | null, string | null>;

export type UsageUnknownReason = "failed" | "skipped" | "stale";

export interface UsageLedgerTable {
  module_organization_id: string;
  /** The module organization's module (migration 0021): the nightly write reads a module's open rows by it. */
  module_key: Generated<string>;
  billing_type: string;
  /** Null while unknown: never 0 for a reading that could not be taken (rule 13). */
  quantity: number | null;
  unknown_reason: UsageUnknownReason | null;
  valid_from: Date | string;
  valid_to: Date | string | null;
  /** The reading that wrote the row; later nights that confirm it are the module's usage_reads. */
  read_at: Date | string;
  sync_run_id: string | null;
}

export interface UsageReadsTable {
  id: Generated<number>;
  module_key: string;
  sync_run_id: string | null;
  read_at: Date | string;
  outcome: "complete" | "failed";
  error: string | null;
  request_count: number;
  counts: Json<Record<string, number>>;
  rejected: Json<{ reason: string; raw: unknown }[]>;
}

export interface MappingIntervalsTable {
  module_organization_id: string;
  /** Null only while excluded and unmapped; unmapped time has no row. */
  organization_id: string | null;
  is_excluded: boolean;
  valid_from: Date | string;
  valid_to: Date | string | null;
}

export type ServiceMappingPolicy = "latest" | "peak";

export interface ServiceMappingsTable {
  module_key: string;
  billing_type: string;
  psa_service_id: string;
  psa_service_name: string;
  policy: ColumnType<ServiceMappingPolicy, ServiceMappingPolicy | undefined, ServiceMappingPolicy>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface PsaContractReadsTable {
  id: Generated<number>;
  read_at: Date | string;
  window_from: CalendarDate;
  window_to: CalendarDate;
  request_count: number;
  rejected: Json<{ reason: string; raw: unknown }[]>;
}

export interface PsaServicesTable {
  psa_id: string;
  name: string;
  unit_price: Decimal;
  is_active: boolean;
}

export interface PsaContractsTable {
  psa_id: string;
  organization_psa_id: string;
  name: string;
  start_date: CalendarDate;
  end_date: CalendarDate;
}

export interface PsaContractServicesTable {
  psa_id: string;
  contract_psa_id: string;
  service_psa_id: string;
  unit_price: Decimal;
}

export interface PsaContractServiceUnitsTable {
  psa_id: string;
  contract_psa_id: string;
  contract_service_psa_id: string;
  service_psa_id: string;
  start_date: CalendarDate;
  end_date: CalendarDate;
  units: number;
  approve_and_post_date: ColumnType<string | null, string | null, string | null>;
}

// ---- Posting (migration 0007-posting, docs/BILLING.md "Posting") ---------------------------------

export type PostingAttemptState = "pending" | "posted" | "failed" | "not_applied";
export type PostingRunOutcome = "running" | "completed" | "budget_reached" | "failed";
export type ApprovalState = "pending" | "approved" | "rejected" | "posted" | "superseded";
export type ActivityOutcome = "posted" | "held" | "failed";

export interface PostingSettingsTable {
  module_key: string;
  is_enabled: boolean;
  updated_by: string;
  updated_at: Timestamp;
}

export interface PostingConfigTable {
  id: Generated<number>;
  approval_share_percent: number;
  hourly_request_budget: number;
  max_concurrency: number;
  updated_by: string;
  updated_at: Timestamp;
}

export interface PostingRunsTable {
  id: Generated<string>;
  module_key: string;
  trigger: string;
  period_key: string;
  started_at: Timestamp;
  finished_at: Date | string | null;
  outcome: ColumnType<PostingRunOutcome, PostingRunOutcome | undefined, PostingRunOutcome>;
  counts: Json<Record<string, number>>;
  request_count: Generated<number>;
  error: string | null;
  owner: string;
  /** The run's heartbeat (migration 0015): a `running` row past it was left by a process that ended. */
  alive_until: Date | string | null;
}

export interface PostingAttemptsTable {
  id: Generated<string>;
  attempt_key: string;
  kind: ColumnType<"post" | "undo", "post" | "undo" | undefined, "post" | "undo">;
  undoes_attempt_id: string | null;
  module_key: string;
  billing_type: string;
  organization_id: string | null;
  contract_psa_id: string;
  contract_service_psa_id: string;
  service_psa_id: string;
  period_key: string;
  units_before: number;
  target_units: number;
  unit_change: number;
  effective_date: CalendarDate;
  unit_price: Decimal;
  state: ColumnType<PostingAttemptState, PostingAttemptState | undefined, PostingAttemptState>;
  psa_adjustment_id: string | null;
  psa_answer: string | null;
  confirmed_by: "answer" | "read_back" | null;
  run_id: string | null;
  owner: string;
  created_at: Timestamp;
  answered_at: Date | string | null;
}

export interface PostingLeasesTable {
  contract_service_psa_id: string;
  owner: string;
  expires_at: Timestamp;
}

export interface PostingApprovalsTable {
  id: Generated<string>;
  module_key: string;
  billing_type: string;
  organization_id: string | null;
  organization_name: string;
  contract_psa_id: string;
  contract_service_psa_id: string;
  service_psa_id: string;
  service_name: string;
  period_key: string;
  units_before: number;
  target_units: number;
  unit_price: Decimal;
  reason: string;
  state: ColumnType<ApprovalState, ApprovalState | undefined, ApprovalState>;
  decided_by: string | null;
  decided_at: Date | string | null;
  created_at: Timestamp;
}

export interface ActivityLogTable {
  id: Generated<string>;
  day: CalendarDate;
  module_key: string;
  billing_type: string;
  organization_id: string | null;
  organization_name: string;
  contract_psa_id: string | null;
  contract_service_psa_id: string | null;
  service_psa_id: string | null;
  service_name: string | null;
  period_key: string;
  direction: "up" | "down" | "same";
  units_before: number | null;
  units_after: number | null;
  unit_price: Decimal;
  outcome: ActivityOutcome;
  reason: string | null;
  attempt_id: string | null;
  run_id: string | null;
  updated_at: Timestamp;
}

export interface PostingBudgetTable {
  hour: Timestamp;
  requests: number;
}

// ---- Reconciliation (migration 0010-reconcile) ---------------------------------------------------

export interface ReconciliationDataVersionTable {
  id: number;
  /** Bumped at the commit of every transaction that changed billing data (a trigger). */
  version: ColumnType<string, string | number, string | number>;
  /** Changes of versions up to this one were pruned (migration 0024). */
  changes_from: ColumnType<string, string | number, string | number>;
}

/** The version each committed transaction that recorded changes was given (migration 0024). */
export interface ReconciliationChangeVersionsTable {
  txid: string;
  version: string;
}

/** An organization's part of a `t:` row (migration 0024). */
export interface ReconciliationTypePartsTable {
  period_key: string;
  /** `kindKey(module, billing type)`. */
  kind: string;
  organization_id: string;
  units: number | null;
  is_stale: boolean;
  module_organization_ids: string[];
}

/** What a committed change touched (migration 0024): the scopes a snapshot recomputes. */
export interface ReconciliationChangesTable {
  /** The writing transaction (its version: `reconciliation_change_versions`). */
  txid: ColumnType<string, never, never>;
  scope: "module_organization" | "organization" | "psa_organization" | "contract" | "all";
  ref: string;
}

export interface ReconciliationSnapshotsTable {
  period_key: string;
  time_zone: string;
  data_version: ColumnType<string, string | number, string | number>;
  stale_modules: string;
  stale_after_hours: number;
  computed_at: Timestamp;
  row_count: number;
  /** The unfiltered totals, worked out with the rows (migration 0013); null: read them from the rows. */
  totals: Json<unknown> | null;
}

export interface ReconciliationRowsTable {
  period_key: string;
  row_key: string;
  state: string;
  state_rank: number;
  organization_id: string | null;
  psa_service_id: string | null;
  psa_service_name: string | null;
  contract_psa_id: string | null;
  contract_name: string | null;
  module_keys: string[];
  /** The row's (module, billing type) pairs, `kindKey` (migration 0023). */
  kinds: string[];
  billing_types: Json<unknown>;
  module_organization_id: string | null;
  source_count: number;
  desired_units: number | null;
  psa_units: number | null;
  difference_units: number | null;
  units_at_stake: number;
  unit_price: Decimal;
  price_source: string | null;
  money: Decimal;
  abs_money: Decimal;
  is_stale: boolean;
  is_invoiced: boolean;
  sort_name: string;
}
