import { randomUUID } from "node:crypto";
import type { AuditRepository, NewAuditEvent } from "../db/audit.repository.ts";
import type { Actor } from "../domain/actor.ts";
import type { AuditEvent } from "../domain/audit.ts";

/**
 * One user-visible step (one request, one transaction): every change inside it is recorded under
 * the same step id, so the step can be shown and undone as one.
 */
export class AuditStep {
  readonly id = randomUUID();
  private readonly events: NewAuditEvent[] = [];

  constructor(
    readonly actor: Actor,
    readonly at: Date,
  ) {}

  /** Records one change; only the kinds of change in `AuditEvent` (with their state shapes) are accepted. */
  record(event: AuditEvent) {
    this.events.push({ ...event, stepId: this.id, at: this.at, actor: this.actor.label });
  }

  get size(): number {
    return this.events.length;
  }

  async flush(audit: AuditRepository): Promise<void> {
    await audit.insert(this.events.splice(0));
  }
}
