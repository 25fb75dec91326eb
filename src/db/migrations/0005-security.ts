import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 11: an API token belongs to the user who created it (null: created from the CLI, owned by
 * the instance), so it stops with that account; existing tokens are matched by their creator's
 * label. Sign-in attempts are counted in the database, reserved before a password is verified.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table api_tokens add column owner_user_id uuid references users (id) on delete cascade;
    update api_tokens t set owner_user_id = u.id from users u where t.created_by = 'user:' || u.username;
    create table login_attempts (
      key text primary key,
      window_started_at timestamptz not null,
      attempts integer not null check (attempts >= 0)
    );
  `,
  );
}
