import type { Role } from "./role.ts";

/**
 * The kinds of alert (issue 14): each is written to the outbox in the transaction of the change
 * that causes it, and delivered to webhooks and subscribed users. `data` shapes are below; a
 * webhook receives `{ id, type, time, data }`.
 */
export const ALERT_EVENT_TYPES = [
  "module_organizations.new_unmapped",
  "organization.became_inactive",
  "module_organizations.missing_while_mapped",
  "sync.failed",
  "sync.overdue",
  "webhook.disabled",
  "posting.failed",
  "posting.approval_waiting",
] as const;

export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

export const ALERT_EVENT_LABELS: Record<AlertEventType, string> = {
  "module_organizations.new_unmapped": "New unmapped module organizations after a sync",
  "organization.became_inactive": "A mapped organization became Dead or Cancelation",
  "module_organizations.missing_while_mapped": "Mapped module organizations went missing",
  "sync.failed": "A sync failed",
  "sync.overdue": "A module has had no successful sync for too long",
  "webhook.disabled": "A webhook was disabled after repeated failures",
  "posting.failed": "A posting run failed or had failed rows",
  "posting.approval_waiting": "A posting decrease waits for approval",
};

/**
 * Kinds only admins receive: they tell of what only an admin can act on or see (a webhook's target
 * and error, a posting to the PSA). Other users are neither offered them nor sent them.
 */
export const ADMIN_ALERT_EVENT_TYPES: ReadonlySet<AlertEventType> = new Set([
  "webhook.disabled",
  "posting.failed",
  "posting.approval_waiting",
]);

/** The kinds a user of this role may subscribe to. */
export const alertEventTypesFor = (role: Role): AlertEventType[] =>
  ALERT_EVENT_TYPES.filter((type) => role === "admin" || !ADMIN_ALERT_EVENT_TYPES.has(type));

export const isAlertEventType = (value: string): value is AlertEventType =>
  (ALERT_EVENT_TYPES as readonly string[]).includes(value);

/** An item an event lists: what it is, and where the web app shows it. */
export interface AlertItem {
  id: string;
  name: string;
  /** For a module organization: the organization it is mapped to. */
  organizationId?: string | null;
  organizationName?: string | null;
}

export interface AlertEventData {
  "module_organizations.new_unmapped": {
    moduleKey: string;
    moduleName: string;
    runId: string;
    count: number;
    /** At most 50 (count counts them all). */
    items: AlertItem[];
  };
  "organization.became_inactive": {
    runId: string;
    organizationId: string;
    name: string;
    before: string;
    type: string;
    mappedCount: number;
  };
  "module_organizations.missing_while_mapped": {
    moduleKey: string;
    moduleName: string;
    runId: string;
    count: number;
    items: AlertItem[];
  };
  "sync.failed": { runId: string; moduleKey: string | null; name: string; error: string | null };
  "sync.overdue": {
    moduleKey: string;
    moduleName: string;
    lastSuccessAt: string | null;
    thresholdHours: number;
  };
  "webhook.disabled": { channelId: string; name: string; failures: number; lastError: string | null };
  "posting.failed": {
    moduleKey: string;
    moduleName: string;
    runId: string;
    periodKey: string;
    /** "failed": the run failed as a whole; else it ended so with failed rows. */
    outcome: string;
    failedCount: number;
    /** The run's error when it failed as a whole. */
    error: string | null;
    /** The first few distinct reasons of failed rows, in words (at most POSTING_REASONS_LIMIT). */
    reasons: string[];
  };
  "posting.approval_waiting": {
    approvalId: string;
    moduleKey: string;
    moduleName: string;
    periodKey: string;
    organizationId: string | null;
    organizationName: string;
    serviceName: string;
    unitsBefore: number;
    targetUnits: number;
    reason: string | null;
  };
}

/** An event as written to the outbox. */
export type NewAlertEvent = {
  [K in AlertEventType]: { type: K; data: AlertEventData[K]; dedupeKey?: string };
}[AlertEventType];

/** How many items an event carries; the count says how many there were. */
export const ALERT_ITEMS_LIMIT = 50;

/** How many distinct failure reasons a posting.failed event carries. */
export const POSTING_REASONS_LIMIT = 5;
