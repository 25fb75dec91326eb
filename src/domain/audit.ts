import type { OrganizationTerm } from "./term.ts";

/**
 * Every kind of change the audit log records: its action, the entity it is about, and the shape of
 * that entity's state before and after. `AuditStep.record` accepts only these, and undo and the
 * suggestion cache switch over `entityType` exhaustively, so a new kind of change that one of them
 * forgets fails to compile. The action strings are the ones already stored: old rows keep working.
 */

/** Where a module organization points (names are for display; equality is by id). */
export interface MappingState {
  organizationId: string;
  organizationName: string;
}

export interface SettingsState {
  organizationTerm: OrganizationTerm;
  timeZone: string;
  /** Absent in events recorded before issue 9 added them. */
  currency?: string;
  locale?: string;
}

/** The PSA service a (module, billing type) bills, and the policy of its units (issue 9). */
export interface ServiceMappingState {
  psaServiceId: string;
  psaServiceName: string;
  policy: "latest" | "peak";
}

interface Change<TEntity extends string, TAction extends string, TBefore, TAfter> {
  entityType: TEntity;
  action: TAction;
  entityId: string;
  summary: string;
  before: TBefore;
  after: TAfter;
}

type Ignored = { ignored: true };
type Excluded = { excluded: true };
type Status = { status: "active" | "missing" };
type SyncedEntity = "organization" | "module_organization";

export type AuditEvent =
  | Change<"mapping", "mapping.created", null, MappingState>
  | Change<"mapping", "mapping.moved", MappingState, MappingState>
  | Change<"mapping", "mapping.deleted", MappingState, null>
  /** entityId is `<organizationId>/<moduleKey>`. */
  | Change<"ignore", "ignore.created", null, Ignored>
  | Change<"ignore", "ignore.deleted", Ignored, null>
  | Change<"exclusion", "exclusion.created", null, Excluded>
  | Change<"exclusion", "exclusion.deleted", Excluded, null>
  | Change<"settings", "settings.updated", SettingsState, SettingsState>
  | Change<"suggestion_rejection", "suggestion.rejected", null, { rejected: true }>
  | Change<"module", "module.created", null, { key: string; name: string }>
  | Change<
      "module",
      "module.billing_enabled" | "module.billing_disabled",
      { billingEnabled: boolean },
      { billingEnabled: boolean }
    >
  | Change<"module", "module.renamed", { name: string }, { name: string }>
  | Change<"module", "module.ready", { state: "awaiting_first_sync" }, { state: "ready" }>
  | Change<"module_sync", "module.sync_configured", Record<string, unknown>, Record<string, unknown>>
  | Change<"psa_sync", "psa.sync_configured", Record<string, unknown>, Record<string, unknown>>
  | Change<"organization", "organization.type_changed", { type: string }, { type: string }>
  | Change<SyncedEntity, `${SyncedEntity}.missing`, Status, Status>
  | Change<SyncedEntity, `${SyncedEntity}.returned`, Status, Status>
  | Change<SyncedEntity, `${SyncedEntity}.renamed`, { name: string }, { name: string }>
  | Change<"user", "user.created", null, { username: string; role: string }>
  | Change<"user", "user.updated", Record<string, unknown>, Record<string, unknown>>
  /** A sign-in session ended from the sessions list (entityId: the user's id). */
  | Change<"user", "user.session_ended", { sessionId: string; userAgent: string | null }, null>
  | Change<"user", "user.mfa_enabled", null, { method: "totp" }>
  | Change<"user", "user.mfa_disabled" | "user.mfa_reset", { method: "totp" }, null>
  | Change<"user", "user.recovery_codes_renewed", null, { count: number }>
  | Change<
      "security",
      "security.updated",
      { mfaRequiredForAdmins: boolean },
      { mfaRequiredForAdmins: boolean }
    >
  // Single sign-on (issue 11, migration 0016): password sign-in switched, the provider set up or removed,
  // and a user created at their first single sign-on.
  | Change<
      "security",
      "security.updated",
      { passwordLoginEnabled: boolean; breakGlassUsername: string | null },
      { passwordLoginEnabled: boolean; breakGlassUsername: string | null }
    >
  | Change<
      "security",
      "security.sso_updated" | "security.sso_removed",
      SsoAuditState | null,
      SsoAuditState | null
    >
  | Change<"user", "user.created", null, { username: string; role: string; via: "sso" }>
  // A user created with an e-mail address (single sign-on matches them by it).
  | Change<"user", "user.created", null, { username: string; role: string; email: string }>
  | Change<"token", "token.created", null, { name: string; role: string }>
  | Change<"token", "token.revoked", null, null>
  // Posting (issue 10): the per-module switch and the limits (entityId: module key, or "config"),
  // an admin's decision on a held decrease, an undo (a compensating adjustment) and a retry.
  | Change<"posting", "posting.enabled" | "posting.disabled", { enabled: boolean }, { enabled: boolean }>
  | Change<"posting", "posting.config_changed", PostingConfigState, PostingConfigState>
  | Change<
      "posting_approval",
      "posting.approved" | "posting.rejected",
      { state: "pending" },
      { state: "approved" | "rejected" }
    >
  | Change<"posting_attempt", "posting.undone", PostedAdjustment, PostedAdjustment>
  | Change<"activity", "posting.retried", { outcome: "failed" }, { outcome: string }>
  /** entityId is `<moduleKey>/<billingType>`. */
  | Change<"service_mapping", "service_mapping.set", ServiceMappingState | null, ServiceMappingState>
  | Change<"service_mapping", "service_mapping.deleted", ServiceMappingState, null>
  /** Issue 14: alert channels (settings only; secrets never appear) and a user's subscriptions. */
  | Change<"alert_channel", "alert_channel.created", null, AlertChannelState>
  | Change<"alert_channel", "alert_channel.updated", AlertChannelState, AlertChannelState>
  | Change<"alert_channel", "alert_channel.deleted", AlertChannelState, null>
  | Change<"alert_channel", "alert_channel.tested", null, { ok: boolean; statusCode: number | null }>
  | Change<"alert_subscription", "alert_subscription.updated", AlertSubscriptionState, AlertSubscriptionState>
  /**
   * Issue 14 item 5: an organization created in the PSA from a module organization (entityId: the
   * new organization's id). Undo leaves it: Autotask cannot delete a company through its API; the
   * same step's mapping event is what undo reverts (it unmaps).
   */
  | Change<"psa_company", "psa_company.created", null, PsaCompanyState>;

/** An organization created in the PSA, and the module organization it was created for. */
export interface PsaCompanyState {
  psaId: string;
  name: string;
  type: string;
  parentPsaId: string | null;
  moduleOrganizationId: string;
}

export interface PostingConfigState {
  approvalSharePercent: number;
  hourlyRequestBudget: number;
  maxConcurrency: number;
}

/** A contract service's units around an adjustment (undo: the compensating one). */
export interface PostedAdjustment {
  contractServicePsaId: string;
  periodKey: string;
  units: number;
}

/** An alert channel as the audit keeps it: what an admin set, never a secret. */
export interface AlertChannelState {
  kind: string;
  name: string;
  format: string;
  settings: Record<string, unknown>;
  eventTypes: string[];
  isEnabled: boolean;
}

export interface AlertSubscriptionState {
  email: string | null;
  digestHour: number | null;
  subscriptions: { eventType: string; mode: string }[];
}

export type AuditEntityType = AuditEvent["entityType"];
export type AuditAction = AuditEvent["action"];

/** Every entity type, listed once so stored rows can be narrowed to the union (the compiler checks the list). */
const ENTITY_TYPES: { [K in AuditEntityType]: true } = {
  mapping: true,
  ignore: true,
  exclusion: true,
  settings: true,
  suggestion_rejection: true,
  module: true,
  module_sync: true,
  psa_sync: true,
  organization: true,
  module_organization: true,
  user: true,
  token: true,
  posting: true,
  posting_approval: true,
  posting_attempt: true,
  activity: true,
  service_mapping: true,
  security: true,
  alert_channel: true,
  alert_subscription: true,
  psa_company: true,
};

export function isAuditEntityType(value: string): value is AuditEntityType {
  return Object.hasOwn(ENTITY_TYPES, value);
}

/** The events undo can replay: the decisions a person makes (rule 9). */
export type UndoableEvent = Extract<
  AuditEvent,
  { entityType: "mapping" | "ignore" | "exclusion" | "settings" | "service_mapping" | "psa_company" }
>;

/** For the `default` of an exhaustive switch: a missing case is a compile error. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

type Subject = { entityId: string; summary: string };

/** The mapping event for a change from `before` to `after` (null: not mapped); at least one is set. */
export function mappingEvent(
  subject: Subject,
  before: MappingState | null,
  after: MappingState | null,
): Extract<AuditEvent, { entityType: "mapping" }> {
  const base = { entityType: "mapping" as const, ...subject };
  if (before && after) return { ...base, action: "mapping.moved", before, after };
  if (after) return { ...base, action: "mapping.created", before: null, after };
  if (before) return { ...base, action: "mapping.deleted", before, after: null };
  throw new Error("a mapping event needs a state before or after");
}

/** The event of a pair's ignore being set (true) or cleared (false). */
export function ignoreEvent(
  subject: Subject,
  ignored: boolean,
): Extract<AuditEvent, { entityType: "ignore" }> {
  return ignored
    ? { entityType: "ignore", action: "ignore.created", ...subject, before: null, after: { ignored: true } }
    : { entityType: "ignore", action: "ignore.deleted", ...subject, before: { ignored: true }, after: null };
}

/** The event of a module organization being excluded from billing (true) or included again (false). */
export function exclusionEvent(
  subject: Subject,
  excluded: boolean,
): Extract<AuditEvent, { entityType: "exclusion" }> {
  return excluded
    ? {
        entityType: "exclusion",
        action: "exclusion.created",
        ...subject,
        before: null,
        after: { excluded: true },
      }
    : {
        entityType: "exclusion",
        action: "exclusion.deleted",
        ...subject,
        before: { excluded: true },
        after: null,
      };
}

/** Events about accounts (who has which role, which tokens exist): for admins only (issue 11 point 7). */
export const ACCOUNT_ENTITY_TYPES = ["user", "token", "security"] as const;

/** A single sign-on provider as the audit keeps it (never its client secret). */
export interface SsoAuditState {
  enabled: boolean;
  issuerUrl: string;
  clientId: string;
  hasClientSecret: boolean;
  displayName: string;
  defaultRole: string;
  allowedDomains: string[];
}
