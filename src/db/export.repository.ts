import type { Db } from "./database.ts";

/** The rows of the mapping export, in a stable order (module, then module organization name). */
export class ExportRepository {
  constructor(private readonly db: Db) {}

  async mappingRows() {
    return this.db
      .selectFrom("mappings as mp")
      .innerJoin("module_organizations as mo", "mo.id", "mp.module_organization_id")
      .innerJoin("organizations as o", "o.id", "mp.organization_id")
      .select([
        "mo.module_key",
        "mo.external_id",
        "mo.name as module_organization_name",
        "o.psa_id",
        "o.name as organization_name",
      ])
      .orderBy("mo.module_key")
      .orderBy("mo.tree_sort")
      .execute();
  }
}
