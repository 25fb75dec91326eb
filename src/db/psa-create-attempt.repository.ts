import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { PsaCreateAttemptRow } from "./alert-schema.ts";
import type { Db } from "./database.ts";

export interface NewPsaCreateAttempt {
  attemptKey: string;
  moduleOrganizationId: string;
  name: string;
  type: string;
  parentPsaId: string | null;
  phone: string;
  ownerResourceId: string;
  actor: string;
}

const leaseUntil = (leaseMs: number) => sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;

/**
 * Creates of PSA organizations (issue 14 item 5): stored before the call, answered after it, and
 * leased while a request works on them, so a create is sent by one request at a time and a lost
 * answer is settled by a look-up before anything is sent again. Only SQL.
 */
export class PsaCreateAttemptRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a new pending attempt leased to `owner`, unless the module organization has one open
   * already (a partial unique index): then undefined, and the caller claims the open one.
   */
  async open(
    attempt: NewPsaCreateAttempt,
    owner: string,
    leaseMs: number,
  ): Promise<PsaCreateAttemptRow | undefined> {
    const result = await sql<PsaCreateAttemptRow>`
      insert into psa_create_attempts (
        attempt_key, module_organization_id, name, type, parent_psa_id, phone, owner_resource_id, actor,
        owner, lease_expires_at
      ) values (
        ${attempt.attemptKey}, ${attempt.moduleOrganizationId}, ${attempt.name}, ${attempt.type},
        ${attempt.parentPsaId}, ${attempt.phone}, ${attempt.ownerResourceId}, ${attempt.actor},
        ${owner}, ${leaseUntil(leaseMs)}
      )
      on conflict (module_organization_id) where state = 'pending' do nothing
      returning *
    `.execute(this.db);
    return result.rows[0];
  }

  /** The module organization's open attempt, if any. */
  async findOpen(moduleOrganizationId: string): Promise<PsaCreateAttemptRow | undefined> {
    if (!isUuid(moduleOrganizationId)) return undefined;
    return this.db
      .selectFrom("psa_create_attempts")
      .selectAll()
      .where("module_organization_id", "=", moduleOrganizationId)
      .where("state", "=", "pending")
      .executeTakeFirst();
  }

  /**
   * Leases an open attempt to `owner` when nobody else holds it (its lease ran out, or was
   * released after a lost answer). One statement: of two requests, one wins.
   */
  async claim(id: string, owner: string, leaseMs: number): Promise<PsaCreateAttemptRow | undefined> {
    const result = await sql<PsaCreateAttemptRow>`
      update psa_create_attempts set owner = ${owner}, lease_expires_at = ${leaseUntil(leaseMs)}
      where id = ${id} and state = 'pending'
        and (owner = ${owner} or lease_expires_at is null or lease_expires_at < now())
      returning *
    `.execute(this.db);
    return result.rows[0];
  }

  /** Gives the lease up (the answer was lost): the next request may claim it at once. */
  async release(id: string, owner: string): Promise<void> {
    await this.db
      .updateTable("psa_create_attempts")
      .set({ lease_expires_at: null })
      .where("id", "=", id)
      .where("owner", "=", owner)
      .where("state", "=", "pending")
      .execute();
  }

  /** Stores the outcome of a pending attempt held by `owner`; false when it is no longer its to close. */
  async close(
    id: string,
    owner: string,
    outcome: {
      state: "created" | "failed";
      psaId: string | null;
      organizationId: string | null;
      confirmedBy: "answer" | "lookup" | null;
      answer: string | null;
      at: Date;
    },
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("psa_create_attempts")
      .set({
        state: outcome.state,
        psa_id: outcome.psaId,
        organization_id: outcome.organizationId,
        confirmed_by: outcome.confirmedBy,
        psa_answer: outcome.answer,
        answered_at: outcome.at,
        lease_expires_at: null,
      })
      .where("id", "=", id)
      .where("owner", "=", owner)
      .where("state", "=", "pending")
      .executeTakeFirst();
    return Number(rows.numUpdatedRows) === 1;
  }

  /** The attempts of one module organization, newest first (what the API shows after a failure). */
  async listFor(moduleOrganizationId: string, limit = 20): Promise<PsaCreateAttemptRow[]> {
    if (!isUuid(moduleOrganizationId)) return [];
    return this.db
      .selectFrom("psa_create_attempts")
      .selectAll()
      .where("module_organization_id", "=", moduleOrganizationId)
      .orderBy("created_at", "desc")
      .limit(limit)
      .execute();
  }
}
