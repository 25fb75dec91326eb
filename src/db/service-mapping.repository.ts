import type { Db } from "./database.ts";
import type { ServiceMappingPolicy } from "./schema.ts";

export interface ServiceMapping {
  moduleKey: string;
  billingType: string;
  psaServiceId: string;
  psaServiceName: string;
  policy: ServiceMappingPolicy;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * Service mappings: (module, billing type) -> the PSA service it bills, and whether the period
 * bills the latest or the peak units. A billing type with none is a reconciliation state (rule 14).
 */
export class ServiceMappingRepository {
  constructor(private readonly db: Db) {}

  /** All service mappings, or those of the given modules, by module then billing type. */
  async list(moduleKeys?: readonly string[]): Promise<ServiceMapping[]> {
    let query = this.db.selectFrom("service_mappings").selectAll();
    if (moduleKeys !== undefined) {
      if (moduleKeys.length === 0) return [];
      query = query.where("module_key", "in", moduleKeys);
    }
    const rows = await query.orderBy("module_key").orderBy("billing_type").execute();
    return rows.map((row) => ({
      moduleKey: row.module_key,
      billingType: row.billing_type,
      psaServiceId: row.psa_service_id,
      psaServiceName: row.psa_service_name,
      policy: row.policy,
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at),
    }));
  }

  async find(moduleKey: string, billingType: string): Promise<ServiceMapping | undefined> {
    const [found] = (await this.list([moduleKey])).filter((m) => m.billingType === billingType);
    return found;
  }

  /** Sets the service of a (module, billing type), replacing the one it had. */
  async upsert(mapping: Omit<ServiceMapping, "updatedAt">, at: Date): Promise<void> {
    await this.db
      .insertInto("service_mappings")
      .values({
        module_key: mapping.moduleKey,
        billing_type: mapping.billingType,
        psa_service_id: mapping.psaServiceId,
        psa_service_name: mapping.psaServiceName,
        policy: mapping.policy,
        updated_by: mapping.updatedBy,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.columns(["module_key", "billing_type"]).doUpdateSet((eb) => ({
          psa_service_id: eb.ref("excluded.psa_service_id"),
          psa_service_name: eb.ref("excluded.psa_service_name"),
          policy: eb.ref("excluded.policy"),
          updated_by: eb.ref("excluded.updated_by"),
          updated_at: eb.ref("excluded.updated_at"),
        })),
      )
      .execute();
  }

  /** Returns whether there was one to delete. */
  async delete(moduleKey: string, billingType: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("service_mappings")
      .where("module_key", "=", moduleKey)
      .where("billing_type", "=", billingType)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
