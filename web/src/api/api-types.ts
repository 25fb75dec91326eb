import type { CellState } from "../../../src/domain/mapping.ts";
import type { OrganizationTerm } from "../../../src/domain/term.ts";
import type { toAuditView } from "../../../src/services/audit.service.ts";
import type { OrganizationMappingLine } from "../../../src/services/mapping.service.ts";
import type { ModuleOrganizationView } from "../../../src/services/module-organization.service.ts";
import type { OrganizationView } from "../../../src/services/organization.service.ts";

/**
 * Answers of the orgmap REST API (/api/v1) as the web app uses them. Request bodies are inferred from
 * the server's zod schemas (request-types.ts). Where the server has a view type for an answer, it is
 * used as is (type-only imports: no server code reaches the bundle), so the two cannot drift apart.
 */
export type { CellState };
export type Organization = OrganizationView;
export type ModuleOrganization = ModuleOrganizationView;
export type ModuleOrganizationMapping = NonNullable<ModuleOrganizationView["mapping"]>;
export type AuditEvent = ReturnType<typeof toAuditView>;
export type ModuleMappingLine = OrganizationMappingLine;

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
