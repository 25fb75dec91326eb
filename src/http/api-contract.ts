import type { z } from "zod";
import { ActivityExport, ActivityPage, ActivityQuery } from "./activity-log.schema.ts";
import {
  AlertChannelCreateBody,
  AlertChannelPatchBody,
  MySubscriptionsBody,
  SendTestBody,
} from "./alert.routes.ts";
import {
  AlertChannelCreated,
  AlertChannelList,
  AlertChannelViewSchema,
  DeliveryPage,
  MySubscriptionsView,
  SendTestAnswer,
} from "./alert.schema.ts";
import { AuditQuery, AuditStepQuery } from "./audit.routes.ts";
import { AuditPage, AuditStepPage, UndoAnswer } from "./audit.schema.ts";
import { PageQuery } from "./common.schema.ts";
import { ConnectorKindList } from "./connector-kind.routes.ts";
import { DashboardAnswer } from "./dashboard.schema.ts";
import { CellBody, GridQuery } from "./grid.routes.ts";
import { CellAnswer, GridPage } from "./grid.schema.ts";
import { HealthAnswer } from "./health.schema.ts";
import { MfaCodeBody, MfaLoginBody, SecuritySettingsPatch } from "./mfa.routes.ts";
import { MfaStatusSchema, RecoveryCodes, SecuritySettingsView, TotpEnrolment } from "./mfa.schema.ts";
import { ConnectorTestBody, ModuleCreateBody, ModulePatchBody } from "./module.routes.ts";
import {
  ConnectorTestAnswer,
  ModuleList,
  ModuleViewSchema,
  WorklistQuery,
  Worklists,
} from "./module.schema.ts";
import {
  BulkMappingBody,
  MappingBody,
  ModuleOrganizationQuery,
  VersionQuery,
} from "./module-organization.routes.ts";
import {
  BulkMappingAnswer,
  ExclusionAnswer,
  MappingAnswer,
  ModuleOrganizationPage,
  ModuleOrganizationViewSchema,
  UnmapAnswer,
} from "./module-organization.schema.ts";
import { SsoSettingsBody } from "./oidc.routes.ts";
import { SsoInfo, SsoSettingsViewSchema } from "./oidc.schema.ts";
import { ModuleMappingsBody, OrganizationQuery } from "./organization.routes.ts";
import {
  OrganizationMappings,
  OrganizationMappingsSaved,
  OrganizationPage,
  OrganizationViewSchema,
} from "./organization.schema.ts";
import {
  ApprovalList,
  ApprovalQuery,
  ApprovalView,
  PostingConfigPatch,
  PostingConfigView,
  PostingQuery,
  PostingSummaryView,
  PostingSwitchBody,
  PostingSwitchList,
  PostingSwitchView,
  PostNowBody,
  UndoAnswerView,
} from "./posting.schema.ts";
import {
  PsaOrganizationCreateBody,
  PsaOrganizationCreated,
  PsaOrganizationPrefill,
} from "./psa-organization.schema.ts";
import {
  ReconciliationCsv,
  ReconciliationExportQuery,
  ReconciliationPage,
  ReconciliationPeriodQuery,
  ReconciliationQuery,
  ReconciliationRowDetail,
  ReconciliationSummary,
  ReconciliationSummaryQuery,
} from "./reconciliation.schema.ts";
import { NoContent } from "./response.schema.ts";
import {
  PsaServiceList,
  PsaServiceQuery,
  ServiceMappingBody,
  ServiceMappingList,
  ServiceMappingQuery,
  ServiceMappingView,
} from "./service-mapping.schema.ts";
import { LoginBody, PasswordChangeBody } from "./session.routes.ts";
import { LoginAnswer, SessionAnswer, SessionList, SignedIn } from "./session.schema.ts";
import { PreferencesBody, SettingsPatch } from "./settings.routes.ts";
import { PreferencesView, SettingsView } from "./settings.schema.ts";
import { AcceptSuggestionsBody, RejectSuggestionBody, SuggestionQuery } from "./suggestion.routes.ts";
import { AcceptAnswer, SuggestionPage } from "./suggestion.schema.ts";
import {
  PsaPatchBody,
  PsaViewSchema,
  SyncRunDetailSchema,
  SyncRunPage,
  SyncRunsQuery,
  SyncStarted,
} from "./sync.schema.ts";
import { TokenCreateBody, UserCreateBody, UserPatchBody } from "./user.routes.ts";
import { PasswordResetAnswer, TokenCreated, TokenList, UserList, UserViewSchema } from "./user.schema.ts";

/** One route of the contract: its success answer, and the body and query it reads (if any). */
export interface ContractRoute {
  readonly status: 200 | 201 | 202 | 204;
  readonly answer: z.ZodType;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
}

/**
 * The API contract: every route under /api/v1 by "METHOD /path" (Fastify's `:param` syntax), with
 * the same zod schemas the route validates and serializes with (`api-contract.test.ts` checks
 * that they are the very same objects). The web app imports its type only and derives each
 * call's body, query and answer types from it (web/src/api/api-client.ts).
 */
export const apiContract = {
  "GET /health": { status: 200, answer: HealthAnswer },
  "POST /session": { status: 200, answer: LoginAnswer, body: LoginBody },
  "GET /session": { status: 200, answer: SessionAnswer },
  "DELETE /session": { status: 204, answer: NoContent },
  "PUT /me/password": { status: 204, answer: NoContent, body: PasswordChangeBody },
  "GET /me/sessions": { status: 200, answer: SessionList },
  "POST /session/mfa": { status: 200, answer: SignedIn, body: MfaLoginBody },
  "GET /me/mfa": { status: 200, answer: MfaStatusSchema },
  "POST /me/mfa/totp": { status: 200, answer: TotpEnrolment },
  "POST /me/mfa/totp/confirm": { status: 200, answer: RecoveryCodes, body: MfaCodeBody },
  "POST /me/mfa/disable": { status: 204, answer: NoContent, body: MfaCodeBody },
  "POST /me/mfa/recovery-codes": { status: 200, answer: RecoveryCodes, body: MfaCodeBody },
  "DELETE /users/:id/mfa": { status: 204, answer: NoContent },
  "GET /security-settings": { status: 200, answer: SecuritySettingsView },
  "PATCH /security-settings": { status: 200, answer: SecuritySettingsView, body: SecuritySettingsPatch },
  "GET /sso": { status: 200, answer: SsoInfo },
  "GET /sso-settings": { status: 200, answer: SsoSettingsViewSchema },
  "PUT /sso-settings": { status: 200, answer: SsoSettingsViewSchema, body: SsoSettingsBody },
  "DELETE /sso-settings": { status: 204, answer: NoContent },
  "DELETE /me/sessions/:id": { status: 204, answer: NoContent },
  "GET /sessions": { status: 200, answer: SessionList },
  "DELETE /sessions/:id": { status: 204, answer: NoContent },
  "GET /settings": { status: 200, answer: SettingsView },
  "PATCH /settings": { status: 200, answer: SettingsView, body: SettingsPatch },
  "GET /me/preferences": { status: 200, answer: PreferencesView },
  "PUT /me/preferences": { status: 200, answer: PreferencesView, body: PreferencesBody },
  "PUT /settings/module-column-order": { status: 200, answer: PreferencesView, body: PreferencesBody },
  "GET /organizations": { status: 200, answer: OrganizationPage, query: OrganizationQuery },
  "GET /organizations/:id": { status: 200, answer: OrganizationViewSchema },
  "GET /organizations/:id/module-mappings": { status: 200, answer: OrganizationMappings },
  "PUT /organizations/:id/module-mappings": {
    status: 200,
    answer: OrganizationMappingsSaved,
    body: ModuleMappingsBody,
  },
  "GET /modules": { status: 200, answer: ModuleList },
  "GET /modules/:key": { status: 200, answer: ModuleViewSchema },
  "POST /modules": { status: 201, answer: ModuleViewSchema, body: ModuleCreateBody },
  "PATCH /modules/:key": { status: 200, answer: ModuleViewSchema, body: ModulePatchBody },
  "GET /worklists": { status: 200, answer: Worklists, query: WorklistQuery },
  "GET /module-organizations": {
    status: 200,
    answer: ModuleOrganizationPage,
    query: ModuleOrganizationQuery,
  },
  "GET /module-organizations/:id": { status: 200, answer: ModuleOrganizationViewSchema },
  "PUT /module-organizations/:id/mapping": { status: 200, answer: MappingAnswer, body: MappingBody },
  "DELETE /module-organizations/:id/mapping": { status: 200, answer: UnmapAnswer, query: VersionQuery },
  "PUT /module-organizations/:id/exclusion": { status: 200, answer: ExclusionAnswer },
  "DELETE /module-organizations/:id/exclusion": { status: 200, answer: ExclusionAnswer },
  "POST /module-organizations/bulk-mapping": {
    status: 200,
    answer: BulkMappingAnswer,
    body: BulkMappingBody,
  },
  "GET /mapping-grid": { status: 200, answer: GridPage, query: GridQuery },
  "PUT /mapping-grid/cell": { status: 200, answer: CellAnswer, body: CellBody },
  "GET /audit-events": { status: 200, answer: AuditPage, query: AuditQuery },
  "POST /audit-events/steps/:stepId/undo": { status: 200, answer: UndoAnswer },
  "GET /audit-steps": { status: 200, answer: AuditStepPage, query: AuditStepQuery },
  "POST /users/:id/password-reset": { status: 200, answer: PasswordResetAnswer },
  "POST /connector-test": { status: 200, answer: ConnectorTestAnswer, body: ConnectorTestBody },
  "GET /users": { status: 200, answer: UserList },
  "POST /users": { status: 201, answer: UserViewSchema, body: UserCreateBody },
  "PATCH /users/:id": { status: 200, answer: UserViewSchema, body: UserPatchBody },
  "GET /tokens": { status: 200, answer: TokenList },
  "POST /tokens": { status: 201, answer: TokenCreated, body: TokenCreateBody },
  "DELETE /tokens/:id": { status: 204, answer: NoContent },
  "POST /modules/:key/sync": { status: 202, answer: SyncStarted },
  "GET /sync-runs": { status: 200, answer: SyncRunPage, query: SyncRunsQuery },
  "GET /sync-runs/:id": { status: 200, answer: SyncRunDetailSchema },
  "GET /psa": { status: 200, answer: PsaViewSchema },
  "PATCH /psa": { status: 200, answer: PsaViewSchema, body: PsaPatchBody },
  "POST /psa/sync": { status: 202, answer: SyncStarted },
  "GET /connector-kinds": { status: 200, answer: ConnectorKindList },
  "GET /suggestions": { status: 200, answer: SuggestionPage, query: SuggestionQuery },
  "POST /suggestions/accept": { status: 200, answer: AcceptAnswer, body: AcceptSuggestionsBody },
  "POST /suggestions/reject": { status: 204, answer: NoContent, body: RejectSuggestionBody },
  "GET /posting/switches": { status: 200, answer: PostingSwitchList },
  "PUT /posting/switches/:key": { status: 200, answer: PostingSwitchView, body: PostingSwitchBody },
  "GET /posting/config": { status: 200, answer: PostingConfigView },
  "PATCH /posting/config": { status: 200, answer: PostingConfigView, body: PostingConfigPatch },
  "GET /posting/:key/preview": { status: 200, answer: PostingSummaryView, query: PostingQuery },
  "POST /posting/:key/runs": { status: 200, answer: PostingSummaryView, body: PostNowBody },
  "GET /posting/approvals": { status: 200, answer: ApprovalList, query: ApprovalQuery },
  "POST /posting/approvals/:id/approve": { status: 200, answer: ApprovalView },
  "POST /posting/approvals/:id/reject": { status: 200, answer: ApprovalView },
  "POST /posting/attempts/:id/undo": { status: 200, answer: UndoAnswerView },
  "GET /activity-log": { status: 200, answer: ActivityPage, query: ActivityQuery },
  "GET /activity-log/export": { status: 200, answer: ActivityExport, query: ActivityQuery },
  "POST /activity-log/:id/retry": { status: 200, answer: PostingSummaryView },
  "GET /dashboard": { status: 200, answer: DashboardAnswer },
  // Billing (issue 9): service mappings and reconciliation.
  "GET /service-mappings": { status: 200, answer: ServiceMappingList, query: ServiceMappingQuery },
  "PUT /service-mappings/:moduleKey/:billingType": {
    status: 200,
    answer: ServiceMappingView,
    body: ServiceMappingBody,
  },
  "DELETE /service-mappings/:moduleKey/:billingType": { status: 204, answer: NoContent },
  "GET /psa-services": { status: 200, answer: PsaServiceList, query: PsaServiceQuery },
  "GET /reconciliation": { status: 200, answer: ReconciliationPage, query: ReconciliationQuery },
  "GET /reconciliation/summary": {
    status: 200,
    answer: ReconciliationSummary,
    query: ReconciliationSummaryQuery,
  },
  "GET /reconciliation/rows/:key": {
    status: 200,
    answer: ReconciliationRowDetail,
    query: ReconciliationPeriodQuery,
  },
  "GET /reconciliation/export": {
    status: 200,
    answer: ReconciliationCsv,
    query: ReconciliationExportQuery,
  },
  "GET /alert-channels": { status: 200, answer: AlertChannelList },
  "POST /alert-channels": { status: 201, answer: AlertChannelCreated, body: AlertChannelCreateBody },
  "PATCH /alert-channels/:id": { status: 200, answer: AlertChannelViewSchema, body: AlertChannelPatchBody },
  "DELETE /alert-channels/:id": { status: 204, answer: NoContent },
  "POST /alert-channels/:id/test": { status: 200, answer: SendTestAnswer, body: SendTestBody },
  "GET /alert-channels/:id/deliveries": { status: 200, answer: DeliveryPage, query: PageQuery },
  "GET /me/alert-subscriptions": { status: 200, answer: MySubscriptionsView },
  "PUT /me/alert-subscriptions": { status: 200, answer: MySubscriptionsView, body: MySubscriptionsBody },
  "GET /module-organizations/:id/psa-organization": { status: 200, answer: PsaOrganizationPrefill },
  "POST /module-organizations/:id/psa-organization": {
    status: 201,
    answer: PsaOrganizationCreated,
    body: PsaOrganizationCreateBody,
  },
} as const satisfies Record<string, ContractRoute>;

export type ApiContract = typeof apiContract;
