import type { ColumnType, Generated, Selectable } from "kysely";

/** Kysely's view of the alert tables (migration 0008-alerts); listed in schema.ts's Database. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export interface OutboxEventsTable {
  id: Generated<string>;
  type: string;
  occurred_at: Timestamp;
  data: Json<unknown>;
  dedupe_key: string | null;
  fanned_out_at: Date | string | null;
}

export type AlertChannelKind = "email" | "webhook";
export type WebhookFormat = "json" | "slack" | "teams";

export interface AlertChannelsTable {
  id: Generated<string>;
  kind: AlertChannelKind;
  name: string;
  format: ColumnType<WebhookFormat, WebhookFormat | undefined, WebhookFormat>;
  settings: Json<Record<string, unknown>>;
  /** Sealed by the SecretBox (SMTP password, webhook signing secret). */
  secrets: string | null;
  event_types: Json<string[]>;
  is_enabled: Generated<boolean>;
  max_failures: Generated<number>;
  consecutive_failures: Generated<number>;
  disabled_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AlertRecipientsTable {
  user_id: string;
  email: string;
  digest_hour: number;
  updated_at: Timestamp;
}

export type SubscriptionMode = "immediate" | "digest";

export interface AlertSubscriptionsTable {
  user_id: string;
  event_type: string;
  mode: SubscriptionMode;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface AlertDeliveriesTable {
  id: Generated<string>;
  event_id: string;
  channel_id: string | null;
  user_id: string | null;
  is_digest: Generated<boolean>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  give_up_at: Date | string;
  lease_owner: string | null;
  lease_expires_at: Date | string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  delivered_at: Date | string | null;
  created_at: Timestamp;
}

export type OutboxEventRow = Selectable<OutboxEventsTable>;
export type AlertChannelRow = Selectable<AlertChannelsTable>;
export type AlertDeliveryRow = Selectable<AlertDeliveriesTable>;

// ---- Creating the PSA organization (migration 0017-alerts) ----------------------------------------

export type PsaCreateState = "pending" | "created" | "failed";

export interface PsaCreateAttemptsTable {
  id: Generated<string>;
  attempt_key: string;
  module_organization_id: string;
  name: string;
  type: string;
  parent_psa_id: string | null;
  phone: string;
  owner_resource_id: string;
  state: ColumnType<PsaCreateState, PsaCreateState | undefined, PsaCreateState>;
  psa_id: string | null;
  organization_id: string | null;
  confirmed_by: "answer" | "lookup" | null;
  psa_answer: string | null;
  actor: string;
  owner: string | null;
  lease_expires_at: Date | string | null;
  created_at: Timestamp;
  answered_at: Date | string | null;
}

export type PsaCreateAttemptRow = Selectable<PsaCreateAttemptsTable>;
