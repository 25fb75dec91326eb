import type { z } from "zod";
import type { AuditEventSchema, AuditStepSchema } from "../../../src/http/audit.schema.ts";
import type {
  CellStateSchema,
  GridCellSchema,
  GridColumnSchema,
  GridPage as GridPageSchema,
  GridRowSchema,
} from "../../../src/http/grid.schema.ts";
import type { ModuleStateSchema, ModuleViewSchema, Worklists } from "../../../src/http/module.schema.ts";
import type {
  ModuleOrganizationMappingSchema,
  ModuleOrganizationPage as ModuleOrganizationPageSchema,
  ModuleOrganizationViewSchema,
  MovedFromSchema,
} from "../../../src/http/module-organization.schema.ts";
import type {
  OrganizationMappingLineSchema,
  OrganizationMappings,
  OrganizationViewSchema,
} from "../../../src/http/organization.schema.ts";
import type { SignedIn } from "../../../src/http/session.schema.ts";
import type { PreferencesView, SettingsView } from "../../../src/http/settings.schema.ts";
import type {
  SuggestionCandidateSchema,
  SuggestionItemSchema,
  SuggestionPage as SuggestionPageSchema,
} from "../../../src/http/suggestion.schema.ts";
import type {
  ConnectorViewSchema,
  PsaViewSchema,
  SyncRunDetailSchema,
  SyncRunViewSchema,
} from "../../../src/http/sync.schema.ts";
import type { RoleSchema, UserViewSchema } from "../../../src/http/user.schema.ts";

/**
 * Names for the answers of the orgmap API (/api/v1) the web app uses, every one inferred from the
 * server's zod answer schemas (`z.input`: what the server encodes and sends). Type-only imports: no
 * server code reaches the bundle. Nothing here is written by hand, so nothing can drift; a call's
 * answer type follows from its route (api-client.ts), these names are for components' props.
 */
type Sent<T extends z.ZodType> = z.input<T>;

export type Role = Sent<typeof RoleSchema>;
export type User = Sent<typeof UserViewSchema>;
/** The browser's signed-in session: POST /session's answer (GET /session answers the same for a cookie). */
export type Session = Sent<typeof SignedIn>;
export type Settings = Sent<typeof SettingsView>;
export type Preferences = Sent<typeof PreferencesView>;

export type Organization = Sent<typeof OrganizationViewSchema>;
export type ModuleMappingLine = Sent<typeof OrganizationMappingLineSchema>;
export type OrganizationModuleMappings = Sent<typeof OrganizationMappings>;

export type ModuleState = Sent<typeof ModuleStateSchema>;
export type ModuleInfo = Sent<typeof ModuleViewSchema>;
export type WorklistModule = Sent<typeof Worklists>["modules"][number];
export type Connector = Sent<typeof ConnectorViewSchema>;
export type PsaInfo = Sent<typeof PsaViewSchema>;
export type SyncRun = Sent<typeof SyncRunViewSchema>;
export type SyncRunWithRejected = Sent<typeof SyncRunDetailSchema>;
export type SyncOutcome = SyncRun["outcome"];

export type ModuleOrganization = Sent<typeof ModuleOrganizationViewSchema>;
export type ModuleOrganizationPage = Sent<typeof ModuleOrganizationPageSchema>;
export type ModuleOrganizationMapping = Sent<typeof ModuleOrganizationMappingSchema>;
export type MovedFrom = Sent<typeof MovedFromSchema>;

export type CellState = Sent<typeof CellStateSchema>;
export type GridCell = Sent<typeof GridCellSchema>;
export type GridRow = Sent<typeof GridRowSchema>;
export type GridColumn = Sent<typeof GridColumnSchema>;
export type GridPage = Sent<typeof GridPageSchema>;

export type AuditEvent = Sent<typeof AuditEventSchema>;
export type AuditStep = Sent<typeof AuditStepSchema>;

export type SuggestionCandidate = Sent<typeof SuggestionCandidateSchema>;
export type Suggestion = Sent<typeof SuggestionItemSchema>;
export type SuggestionPage = Sent<typeof SuggestionPageSchema>;
