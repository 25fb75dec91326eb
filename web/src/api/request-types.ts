/**
 * Request bodies of the orgmap API, inferred from the server's zod schemas (`z.input`: what a client
 * may send, before defaults). Type-only imports: no server code reaches the web bundle.
 */
import type { z } from "zod";
import type { CellBody } from "../../../src/http/grid.routes.ts";
import type { ModuleCreateBody, ModulePatchBody } from "../../../src/http/module.routes.ts";
import type { BulkMappingBody, MappingBody } from "../../../src/http/module-organization.routes.ts";
import type { ModuleMappingsBody } from "../../../src/http/organization.routes.ts";
import type { LoginBody, PasswordChangeBody } from "../../../src/http/session.routes.ts";
import type { PreferencesBody, SettingsPatch } from "../../../src/http/settings.routes.ts";
import type { AcceptSuggestionsBody, RejectSuggestionBody } from "../../../src/http/suggestion.routes.ts";
import type { ConnectorBody, PsaPatchBody } from "../../../src/http/sync.schema.ts";

export type LoginInput = z.input<typeof LoginBody>;
export type PasswordChangeInput = z.input<typeof PasswordChangeBody>;
export type CellInput = z.input<typeof CellBody>;
export type MappingInput = z.input<typeof MappingBody>;
export type BulkMappingInput = z.input<typeof BulkMappingBody>;
export type ModuleMappingsInput = z.input<typeof ModuleMappingsBody>;
export type SettingsPatchInput = z.input<typeof SettingsPatch>;
export type PreferencesInput = z.input<typeof PreferencesBody>;
export type ModuleCreateInput = z.input<typeof ModuleCreateBody>;
/** Name and billing switch; the sync feature adds `connector` and `schedule` (PsaPatchInput's fields). */
export type ModulePatchInput = z.input<typeof ModulePatchBody> & PsaPatchInput;
export type ConnectorInput = z.input<typeof ConnectorBody>;
export type PsaPatchInput = z.input<typeof PsaPatchBody>;
export type AcceptSuggestionsInput = z.input<typeof AcceptSuggestionsBody>;
export type RejectSuggestionInput = z.input<typeof RejectSuggestionBody>;
