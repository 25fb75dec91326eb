import type { Updateable } from "kysely";
import type { Db } from "./database.ts";
import { isReadyModule } from "./rule-conditions.ts";
import type { ModuleRow, ModulesTable } from "./schema.ts";

/** Modules (the MSP's tools) and their connector settings. */
export class ModuleRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<ModuleRow[]> {
    return this.db.selectFrom("modules").selectAll().orderBy("created_at").orderBy("key").execute();
  }

  async findByKey(key: string): Promise<ModuleRow | undefined> {
    return this.db.selectFrom("modules").selectAll().where("key", "=", key).executeTakeFirst();
  }

  /** Keys of the modules whose organizations can be mapped now (billing on, first sync done). */
  async readyKeys(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("modules")
      .select("key")
      .where(isReadyModule())
      .orderBy("created_at")
      .orderBy("key")
      .execute();
    return rows.map((r) => r.key);
  }

  async insert(module: { key: string; name: string; createdAt: Date }): Promise<ModuleRow> {
    return this.db
      .insertInto("modules")
      .values({ key: module.key, name: module.name, created_at: module.createdAt })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(key: string, patch: Updateable<ModulesTable>): Promise<ModuleRow> {
    return this.db
      .updateTable("modules")
      .set(patch)
      .where("key", "=", key)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Locks the module row for the rest of the transaction (serializes billing switches and syncs). */
  async lock(key: string): Promise<ModuleRow | undefined> {
    return this.db.selectFrom("modules").selectAll().where("key", "=", key).forUpdate().executeTakeFirst();
  }
}
