import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { invalidValue } from "../domain/errors.ts";
import type { OrganizationTerm } from "../domain/term.ts";
import { isValidTimeZone } from "../domain/time-zone.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

/** Instance settings (term, time zone) and per-user module column order (rule 4). */
export class SettingsService {
  constructor(private readonly ctx: AppContext) {}

  async get() {
    const { organizationTerm, timeZone } = await repositories(this.ctx.db).settings.get();
    return { organizationTerm, timeZone };
  }

  async update(
    actor: Actor,
    patch: { organizationTerm?: OrganizationTerm | undefined; timeZone?: string | undefined },
  ) {
    if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
      throw invalidValue("timeZone", `${patch.timeZone} is not a known IANA time zone`);
    }
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.settings.get({ lock: true });
      const after = await repos.settings.update(
        {
          ...(patch.organizationTerm !== undefined ? { organizationTerm: patch.organizationTerm } : {}),
          ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
        },
        step.at,
      );
      const pick = (s: typeof before) => ({ organizationTerm: s.organizationTerm, timeZone: s.timeZone });
      if (JSON.stringify(pick(before)) !== JSON.stringify(pick(after))) {
        step.record({
          action: "settings.updated",
          entityType: "settings",
          entityId: "instance",
          summary: "settings changed",
          before: pick(before),
          after: pick(after),
        });
      }
      return pick(after);
    });
  }

  /**
   * The module column order a user sees: their saved order (else the instance default), minus
   * modules that are no longer ready, plus ready modules they have not placed yet, appended.
   */
  async columnOrder(userId: string | null, readyKeys?: string[]): Promise<string[]> {
    const repos = repositories(this.ctx.db);
    const [ready, userOrder] = await Promise.all([
      readyKeys ?? repos.modules.readyKeys(),
      userId ? repos.settings.userColumnOrder(userId) : undefined,
    ]);
    const saved = userOrder ?? (await repos.settings.get()).moduleColumnOrder;
    const readySet = new Set(ready);
    const ordered = saved.filter((k) => readySet.has(k));
    for (const key of ready) if (!ordered.includes(key)) ordered.push(key);
    return ordered;
  }

  /** Saves a user's order; it must place every ready module exactly once (columns cannot be hidden). */
  async setColumnOrder(
    userId: string | null,
    order: string[],
    options: { asInstanceDefault?: boolean } = {},
  ) {
    const repos = repositories(this.ctx.db);
    const ready = await repos.modules.readyKeys();
    const all = new Set((await repos.modules.list()).map((m) => m.key));
    if (new Set(order).size !== order.length)
      throw invalidValue("moduleColumnOrder", "a module appears twice");
    const unknown = order.find((k) => !all.has(k));
    if (unknown) throw invalidValue("moduleColumnOrder", `unknown module ${unknown}`);
    const missing = ready.filter((k) => !order.includes(k));
    if (missing.length > 0) {
      throw invalidValue(
        "moduleColumnOrder",
        `a ready module's column cannot be hidden: ${missing.join(", ")} missing`,
        {
          missing,
        },
      );
    }
    const at = this.ctx.clock.now();
    if (options.asInstanceDefault || !userId) await repos.settings.update({ moduleColumnOrder: order }, at);
    else await repos.settings.setUserColumnOrder(userId, order, at);
    return this.columnOrder(options.asInstanceDefault ? null : userId);
  }
}
