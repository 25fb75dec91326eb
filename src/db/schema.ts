import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { ModuleOrganizationStatus } from "../domain/module.ts";
import type { OrganizationType } from "../domain/organization.ts";
import type { OrganizationTerm } from "../domain/term.ts";

/** Kysely's view of the schema created by src/db/migrations. Keep in step with the migrations. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

import type { Role } from "../domain/role.ts";

export type { Role };

export interface SettingsTable {
  id: Generated<number>;
  organization_term: ColumnType<OrganizationTerm, OrganizationTerm | undefined, OrganizationTerm>;
  time_zone: Generated<string>;
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
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  ip: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  role: Role;
  token_hash: string;
  created_by: string;
  created_at: Timestamp;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
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

export type SyncOutcome = "running" | "succeeded" | "failed";

export interface SyncCounts {
  seen: number;
  added: number;
  renamed: number;
  missing: number;
  returned: number;
  rejected: number;
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
}

export interface Database {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
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
  sync_runs: SyncRunsTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type ModuleRow = Selectable<ModulesTable>;
export type ModuleOrganizationRow = Selectable<ModuleOrganizationsTable>;
export type UserRow = Selectable<UsersTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
