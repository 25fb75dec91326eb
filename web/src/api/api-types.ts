/**
 * Answers of the orgmap REST API (/api/v1) as the web app uses them. Request bodies are inferred from
 * the server's zod schemas in request-types.ts; most answers have no zod schema on the server yet.
 */
import type { OrganizationTerm } from "../../../src/domain/term.ts";

export type Role = "admin" | "editor" | "viewer";

export interface User {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
  /** POST /session answers it (true for a generated first-admin password); GET /session does not yet. */
  mustChangePassword?: boolean;
}

export interface Settings {
  organizationTerm: OrganizationTerm;
  timeZone: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export interface Organization {
  id: string;
  psaId: string;
  name: string;
  type: string;
  isActive: boolean;
  isMappable: boolean;
  parentId: string | null;
}

export type ModuleState = "disabled" | "awaiting_first_sync" | "ready";
export type SyncOutcome = "running" | "succeeded" | "failed";

export interface SyncRunSummary {
  id: string;
  outcome: SyncOutcome;
  startedAt: string;
  finishedAt: string | null;
}

export interface Connector {
  kind: string;
  settings: Record<string, unknown>;
  hasSecrets: boolean;
}

export interface ModuleInfo {
  key: string;
  name: string;
  billingEnabled: boolean;
  state: ModuleState;
  lastSync: SyncRunSummary | null;
  counts: { moduleOrganizations: number; mapped: number; unmapped: number; excluded: number };
  connector: Connector | null;
  schedule: string | null;
}

export interface PsaInfo {
  connector: Connector | null;
  schedule: string | null;
  lastSync: SyncRunSummary | null;
}

export interface SyncRun {
  id: string;
  moduleKey: string | null;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: SyncOutcome;
  counts: {
    seen: number;
    added: number;
    renamed: number;
    missing: number;
    returned: number;
    rejected: number;
  };
  error: string | null;
  rejected?: { reason: string; raw: unknown }[];
}

export interface ModuleOrganizationMapping {
  organizationId: string;
  organizationName: string;
  organizationType: string;
  needsAttention: boolean;
  version: number;
}

export interface ModuleOrganization {
  id: string;
  moduleKey: string;
  moduleName: string;
  externalId: string;
  name: string;
  parentId: string | null;
  depth: number;
  status: "active" | "missing";
  isExcluded: boolean;
  mapping: ModuleOrganizationMapping | null;
  /** Sent back with a mapping change (PUT .../mapping) so a concurrent change gets 409. */
  version: number;
}

export type CellState = "empty" | "mapped" | "multiple" | "ignored";

export interface GridCell {
  state: CellState;
  moduleOrganizations: { id: string; name: string }[];
  version?: string;
}

export interface GridRow {
  organization: {
    id: string;
    name: string;
    psaId: string;
    type: string;
    isActive: boolean;
    parentId: string | null;
    depth: number;
  };
  cells: Record<string, GridCell | undefined>;
}

export interface GridColumn {
  moduleKey: string;
  name: string;
}

export interface GridPage extends Page<GridRow> {
  columns: GridColumn[];
}

export interface MovedFrom {
  organizationId: string;
  organizationName: string;
}

export interface ModuleMappingLine {
  moduleKey: string;
  moduleName: string;
  moduleOrganizationId: string | null;
  moduleOrganizationName: string | null;
  isIgnored: boolean;
  extraModuleOrganizations: { id: string; name: string }[];
  version: string;
}

export interface OrganizationModuleMappings {
  organization: Organization;
  modules: ModuleMappingLine[];
}

export interface WorklistModule {
  moduleKey: string;
  name: string;
  unmappedModuleOrganizations: number;
  organizationsWithoutMapping: number;
}

export interface SuggestionCandidate {
  organizationId: string;
  organizationName: string;
  score: number;
  accept?: boolean;
  reasons: string[];
}

export interface Suggestion {
  moduleOrganizationId: string;
  moduleOrganizationName: string;
  moduleKey?: string;
  candidates: SuggestionCandidate[];
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  summary: string;
  before: unknown;
  after: unknown;
  stepId: string | null;
}
