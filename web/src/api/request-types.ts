/**
 * Request bodies of the orgmap API under the names the features use, each the body of its route in
 * the API contract (src/http/api-contract.ts): what a client may send, before defaults.
 */
import type { BodyOf } from "./api-client.ts";

export type LoginInput = BodyOf<"POST /session">;
export type PasswordChangeInput = BodyOf<"PUT /me/password">;
export type CellInput = BodyOf<"PUT /mapping-grid/cell">;
export type MappingInput = BodyOf<"PUT /module-organizations/:id/mapping">;
export type BulkMappingInput = BodyOf<"POST /module-organizations/bulk-mapping">;
export type ModuleMappingsInput = BodyOf<"PUT /organizations/:id/module-mappings">;
export type SettingsPatchInput = BodyOf<"PATCH /settings">;
export type PreferencesInput = BodyOf<"PUT /me/preferences">;
export type ModuleCreateInput = BodyOf<"POST /modules">;
/** Name, billing switch, connector and schedule, in one PATCH (one transaction, one audit step). */
export type ModulePatchInput = BodyOf<"PATCH /modules/:key">;
export type PsaPatchInput = BodyOf<"PATCH /psa">;
export type ConnectorInput = NonNullable<PsaPatchInput["connector"]>;
export type AcceptSuggestionsInput = BodyOf<"POST /suggestions/accept">;
export type RejectSuggestionInput = BodyOf<"POST /suggestions/reject">;
