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
] as const;

export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

export const ALERT_EVENT_LABELS: Record<AlertEventType, string> = {
  "module_organizations.new_unmapped": "New unmapped module organizations after a sync",
  "organization.became_inactive": "A mapped organization became Dead or Cancelation",
  "module_organizations.missing_while_mapped": "Mapped module organizations went missing",
  "sync.failed": "A sync failed",
  "sync.overdue": "A module has had no successful sync for too long",
  "webhook.disabled": "A webhook was disabled after repeated failures (admins)",
};

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
}

/** An event as written to the outbox. */
export type NewAlertEvent = {
  [K in AlertEventType]: { type: K; data: AlertEventData[K]; dedupeKey?: string };
}[AlertEventType];

/** How many items an event carries; the count says how many there were. */
export const ALERT_ITEMS_LIMIT = 50;
