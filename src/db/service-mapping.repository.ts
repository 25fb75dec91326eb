import { sql } from "kysely";
import { parseDecimal } from "../domain/billing/money.ts";
import type { PsaService } from "../domain/billing/psa-contracts.ts";
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

  /** Locks the (module, billing type)'s row, if it has one, for the rest of the transaction. */
  async lock(moduleKey: string, billingType: string): Promise<void> {
    await this.db
      .selectFrom("service_mappings")
      .select("module_key")
      .where("module_key", "=", moduleKey)
      .where("billing_type", "=", billingType)
      .forUpdate()
      .execute();
  }

  /** The billing types the ledger holds readings for, per module (file modules name their own). */
  async billingTypesInLedger(): Promise<{ moduleKey: string; billingType: string }[]> {
    const result = await sql<{ module_key: string; billing_type: string }>`
      select distinct mo.module_key, t.billing_type
      from (select distinct module_organization_id, billing_type from usage_ledger where valid_to is null) t
      join module_organizations mo on mo.id = t.module_organization_id
    `.execute(this.db);
    return result.rows.map((row) => ({ moduleKey: row.module_key, billingType: row.billing_type }));
  }

  /**
   * The PSA services of the last contracts read (the service mapping picker's choices) and when
   * it was made; null when contracts were never read. Prices exact (money.ts).
   */
  async psaServices(): Promise<{ readAt: Date; services: PsaService[] } | null> {
    const read = await this.db.selectFrom("psa_contract_reads").select("read_at").executeTakeFirst();
    if (!read) return null;
    const rows = await sql<{ psa_id: string; name: string; unit_price: string | null; is_active: boolean }>`
      select psa_id, name, unit_price::text as unit_price, is_active from psa_services order by name, psa_id
    `.execute(this.db);
    return {
      readAt: new Date(read.read_at),
      services: rows.rows.map((row) => ({
        psaId: row.psa_id,
        name: row.name,
        unitPrice: row.unit_price === null ? null : parseDecimal(row.unit_price),
        isActive: row.is_active,
      })),
    };
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
