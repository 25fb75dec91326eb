import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { SettingsRecord } from "../db/settings.repository.ts";
import type { Actor } from "../domain/actor.ts";
import { invalidValue } from "../domain/errors.ts";
import type { OrganizationTerm } from "../domain/term.ts";
import { isValidTimeZone } from "../domain/time-zone.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

/** True when this server's Intl knows the ISO 4217 code (upper case, as stored). */
export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported ? supported("currency").includes(code) : true;
}

/** The canonical form of a BCP 47 tag ("en-us" -> "en-US"), or null when Intl cannot use it. */
export function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical === undefined) return null;
    return Intl.NumberFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : null;
  } catch {
    return null;
  }
}

type InstanceSettings = Pick<SettingsRecord, "organizationTerm" | "timeZone" | "currency" | "locale">;
const pick = (s: SettingsRecord): InstanceSettings => ({
  organizationTerm: s.organizationTerm,
  timeZone: s.timeZone,
  currency: s.currency,
  locale: s.locale,
});

/**
 * Instance settings (term, time zone, currency and locale of money) and per-user module column
 * order (rule 4).
 */
export class SettingsService {
  constructor(private readonly ctx: AppContext) {}

  async get(): Promise<InstanceSettings> {
    return pick(await repositories(this.ctx.db).settings.get());
  }

  async update(
    actor: Actor,
    patch: {
      organizationTerm?: OrganizationTerm | undefined;
      timeZone?: string | undefined;
      currency?: string | undefined;
      locale?: string | undefined;
    },
  ): Promise<InstanceSettings> {
    if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
      throw invalidValue("timeZone", `${patch.timeZone} is not a known IANA time zone`);
    }
    const currency = patch.currency?.toUpperCase();
    if (currency !== undefined && !isKnownCurrency(currency)) {
      throw invalidValue("currency", `${patch.currency} is not an ISO 4217 currency code (e.g. USD, EUR)`);
    }
    const locale = patch.locale === undefined ? undefined : canonicalLocale(patch.locale);
    if (locale === null) {
      throw invalidValue("locale", `${patch.locale} is not a locale this server can format for (e.g. en-US)`);
    }
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.settings.get({ lock: true });
      const after = await repos.settings.update(
        {
          ...(patch.organizationTerm !== undefined ? { organizationTerm: patch.organizationTerm } : {}),
          ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
          ...(currency !== undefined ? { currency } : {}),
          ...(locale !== undefined ? { locale } : {}),
        },
        step.at,
      );
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
