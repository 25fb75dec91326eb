import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 14: alerts. `outbox_events` is written in the transaction of the change that causes each
 * event (a sync's end, a PSA page); the delivery worker fans each event out to `alert_deliveries`
 * (a row per webhook or subscribed user) and sends them under a lease held in the row, like sync
 * runs: a process killed mid-send leaves a lease that expires, and the next claim retries it.
 * `dedupe_key` makes a repeated check (a module's overdue sync) one event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table outbox_events (
      id uuid primary key default gen_random_uuid(),
      type text not null,
      occurred_at timestamptz not null default now(),
      data jsonb not null default '{}',
      dedupe_key text unique,
      fanned_out_at timestamptz
    );
    create index outbox_events_pending_idx on outbox_events (occurred_at) where fanned_out_at is null;
    create index outbox_events_time_idx on outbox_events (occurred_at desc, id desc);

    create table alert_channels (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('email', 'webhook')),
      name text not null,
      format text not null default 'json' check (format in ('json', 'slack', 'teams')),
      settings jsonb not null default '{}',
      secrets text,
      event_types jsonb not null default '[]',
      is_enabled boolean not null default true,
      max_failures integer not null default 10 check (max_failures between 1 and 1000),
      consecutive_failures integer not null default 0,
      disabled_reason text,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index alert_channels_one_email_idx on alert_channels (kind) where kind = 'email';

    create table alert_recipients (
      user_id uuid primary key references users (id) on delete cascade,
      email text not null,
      digest_hour integer not null default 8 check (digest_hour between 0 and 23),
      updated_at timestamptz not null default now()
    );

    create table alert_subscriptions (
      user_id uuid not null references users (id) on delete cascade,
      event_type text not null,
      mode text not null check (mode in ('immediate', 'digest')),
      primary key (user_id, event_type)
    );

    create table alert_deliveries (
      id uuid primary key default gen_random_uuid(),
      event_id uuid not null references outbox_events (id) on delete cascade,
      channel_id uuid references alert_channels (id) on delete cascade,
      user_id uuid references users (id) on delete cascade,
      is_digest boolean not null default false,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      give_up_at timestamptz not null,
      lease_owner text,
      lease_expires_at timestamptz,
      last_status_code integer,
      last_error text,
      last_duration_ms integer,
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      check ((channel_id is null) <> (user_id is null))
    );
    create unique index alert_deliveries_channel_event_idx on alert_deliveries (channel_id, event_id) where channel_id is not null;
    create unique index alert_deliveries_user_event_idx on alert_deliveries (user_id, event_id) where user_id is not null;
    create index alert_deliveries_due_idx on alert_deliveries (next_attempt_at) where status = 'pending';
    create index alert_deliveries_log_idx on alert_deliveries (channel_id, created_at desc, id desc);
  `,
  );
}
