import type { Updateable } from "kysely";
import type { Db } from "./database.ts";
import type { PsaConnectionTable } from "./schema.ts";

/** The PSA connection (one row): its connector and schedule. */
export class PsaConnectionRepository {
  constructor(private readonly db: Db) {}

  async get() {
    return this.db.selectFrom("psa_connection").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
  }

  async update(patch: Updateable<PsaConnectionTable>) {
    return this.db
      .updateTable("psa_connection")
      .set(patch)
      .where("id", "=", 1)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
