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
  /** What the person did, in their words ("Accept all confident"); stored with the step when set. */
  title: string | null = null;
  /** Set on an undo step: the step it takes back. */
  undoes: string | null = null;
  private readonly events: NewAuditEvent[] = [];
  private recorded = 0;

  constructor(
    readonly actor: Actor,
    readonly at: Date,
  ) {}

  /** Records one change; only the kinds of change in `AuditEvent` (with their state shapes) are accepted. */
  record(event: AuditEvent) {
    this.events.push({ ...event, stepId: this.id, at: this.at, actor: this.actor.label });
    this.recorded += 1;
  }

  get size(): number {
    return this.events.length;
  }

  /** The step's id once it recorded a change (what an Undo button needs), else null. */
  stepIdIfChanged(): string | null {
    return this.recorded > 0 ? this.id : null;
  }

  async flush(audit: AuditRepository): Promise<void> {
    await audit.insert(this.events.splice(0), { title: this.title, undoes: this.undoes });
  }
}
