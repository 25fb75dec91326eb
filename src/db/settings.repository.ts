import type { OrganizationTerm } from "../domain/term.ts";
import type { Db } from "./database.ts";

export interface SettingsRecord {
  organizationTerm: OrganizationTerm;
  timeZone: string;
  currency: string;
  locale: string;
  moduleColumnOrder: string[];
}

/** The instance's settings (one row) and each user's preferences. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  /** The settings; with `lock`, the row stays locked until the transaction ends (read, then change). */
  async get(options: { lock?: boolean } = {}): Promise<SettingsRecord> {
    const query = this.db.selectFrom("settings").selectAll().where("id", "=", 1);
    const row = await (options.lock ? query.forUpdate() : query).executeTakeFirstOrThrow();
    return {
      organizationTerm: row.organization_term,
      timeZone: row.time_zone,
      currency: row.currency,
      locale: row.locale,
      moduleColumnOrder: row.module_column_order,
    };
  }

  async update(patch: Partial<SettingsRecord>, at: Date): Promise<SettingsRecord> {
    await this.db
      .updateTable("settings")
      .set({
        ...(patch.organizationTerm !== undefined ? { organization_term: patch.organizationTerm } : {}),
        ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
        ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
        ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
        ...(patch.moduleColumnOrder !== undefined
          ? { module_column_order: JSON.stringify(patch.moduleColumnOrder) }
          : {}),
        updated_at: at,
      })
      .where("id", "=", 1)
      .execute();
    return this.get();
  }

  async userColumnOrder(userId: string): Promise<string[] | undefined> {
    const row = await this.db
      .selectFrom("user_preferences")
      .select("module_column_order")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row?.module_column_order;
  }

  async setUserColumnOrder(userId: string, order: readonly string[], at: Date): Promise<void> {
    await this.db
      .insertInto("user_preferences")
      .values({ user_id: userId, module_column_order: JSON.stringify(order), updated_at: at })
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet({ module_column_order: JSON.stringify(order), updated_at: at }),
      )
      .execute();
  }
}
