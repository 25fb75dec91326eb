import type { AppContext } from "../context.ts";
import type { DatabaseKind } from "../db/database.ts";
import { repositories } from "../db/repositories.ts";

/** Liveness of the database: it answers a read of the settings row. Returns which database it is. */
export async function checkDatabase(ctx: Pick<AppContext, "db" | "databaseKind">): Promise<DatabaseKind> {
  await repositories(ctx.db).settings.get();
  return ctx.databaseKind;
}
