import { sql } from "kysely";
import { formatDecimal, parseDecimal } from "../domain/billing/money.ts";
import type { PsaContractData } from "../domain/billing/psa-contracts.ts";
import type { Db } from "./database.ts";

/** Rows per insert: well under PostgreSQL's 65,535 parameters for the widest table (8 columns). */
const CHUNK = 2000;

const decimalOrNull = (amount: bigint | null) => (amount === null ? null : formatDecimal(amount));
async function inChunks<T>(items: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await write(items.slice(i, i + CHUNK));
}

const priceOf = (text: string | null) => (text === null ? null : parseDecimal(text));

export interface PsaContractSnapshot {
  readAt: Date;
  window: { from: string; to: string };
  requestCount: number;
  rejected: { reason: string; raw: unknown }[];
  data: PsaContractData;
}

/**
 * The last complete read of the PSA's contracts (Autotask Services, Contracts, ContractServices,
 * ContractServiceUnits for the current and previous period): what reconciliation compares with.
 * A read replaces the whole snapshot in the caller's transaction; a failed read replaces nothing.
 */
export class PsaContractRepository {
  constructor(private readonly db: Db) {}

  async replace(snapshot: PsaContractSnapshot): Promise<void> {
    const { data } = snapshot;
    for (const table of [
      "psa_contract_service_units",
      "psa_contract_services",
      "psa_contracts",
      "psa_services",
    ] as const) {
      await this.db.deleteFrom(table).execute();
    }
    await inChunks(data.services, (chunk) =>
      this.db
        .insertInto("psa_services")
        .values(
          chunk.map((s) => ({
            psa_id: s.psaId,
            name: s.name,
            unit_price: decimalOrNull(s.unitPrice),
            is_active: s.isActive,
          })),
        )
        .execute(),
    );
    await inChunks(data.contracts, (chunk) =>
      this.db
        .insertInto("psa_contracts")
        .values(
          chunk.map((c) => ({
            psa_id: c.psaId,
            organization_psa_id: c.organizationPsaId,
            name: c.name,
            start_date: c.startDate,
            end_date: c.endDate,
          })),
        )
        .execute(),
    );
    await inChunks(data.contractServices, (chunk) =>
      this.db
        .insertInto("psa_contract_services")
        .values(
          chunk.map((cs) => ({
            psa_id: cs.psaId,
            contract_psa_id: cs.contractPsaId,
            service_psa_id: cs.servicePsaId,
            unit_price: decimalOrNull(cs.unitPrice),
          })),
        )
        .execute(),
    );
    await inChunks(data.contractServiceUnits, (chunk) =>
      this.db
        .insertInto("psa_contract_service_units")
        .values(
          chunk.map((u) => ({
            psa_id: u.psaId,
            contract_psa_id: u.contractPsaId,
            contract_service_psa_id: u.contractServicePsaId,
            service_psa_id: u.servicePsaId,
            start_date: u.startDate,
            end_date: u.endDate,
            units: u.units,
            approve_and_post_date: u.approveAndPostDate,
          })),
        )
        .execute(),
    );
    await this.db
      .insertInto("psa_contract_reads")
      .values({
        id: 1,
        read_at: snapshot.readAt,
        window_from: snapshot.window.from,
        window_to: snapshot.window.to,
        request_count: snapshot.requestCount,
        rejected: JSON.stringify(snapshot.rejected),
      })
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          read_at: eb.ref("excluded.read_at"),
          window_from: eb.ref("excluded.window_from"),
          window_to: eb.ref("excluded.window_to"),
          request_count: eb.ref("excluded.request_count"),
          rejected: eb.ref("excluded.rejected"),
        })),
      )
      .execute();
  }

  /** The stored snapshot, or null when no read has completed yet. Dates as "YYYY-MM-DD", prices exact. */
  async load(): Promise<PsaContractSnapshot | null> {
    const read = (
      await sql<{
        read_at: Date;
        request_count: number;
        rejected: { reason: string; raw: unknown }[];
        from: string;
        to: string;
      }>`
        select read_at, request_count, rejected, window_from::text as from, window_to::text as to
        from psa_contract_reads
      `.execute(this.db)
    ).rows[0];
    if (!read) return null;
    // The four reads at once (on PostgreSQL each on a pool connection of its own).
    const [services, contracts, contractServices, units] = await Promise.all([
      sql<{
        psa_id: string;
        name: string;
        unit_price: string | null;
        is_active: boolean;
      }>`
      select psa_id, name, unit_price::text as unit_price, is_active from psa_services order by psa_id
    `.execute(this.db),
      sql<{
        psa_id: string;
        organization_psa_id: string;
        name: string;
        start_date: string;
        end_date: string;
      }>`
      select psa_id, organization_psa_id, name, start_date::text as start_date, end_date::text as end_date
      from psa_contracts order by psa_id
    `.execute(this.db),
      sql<{
        psa_id: string;
        contract_psa_id: string;
        service_psa_id: string;
        unit_price: string | null;
      }>`
      select psa_id, contract_psa_id, service_psa_id, unit_price::text as unit_price
      from psa_contract_services order by psa_id
    `.execute(this.db),
      sql<{
        psa_id: string;
        contract_psa_id: string;
        contract_service_psa_id: string;
        service_psa_id: string;
        start_date: string;
        end_date: string;
        units: number;
        approve_and_post_date: string | null;
      }>`
      select psa_id, contract_psa_id, contract_service_psa_id, service_psa_id,
        start_date::text as start_date, end_date::text as end_date, units,
        approve_and_post_date::text as approve_and_post_date
      from psa_contract_service_units order by psa_id
    `.execute(this.db),
    ]);
    return {
      readAt: new Date(read.read_at),
      window: { from: read.from, to: read.to },
      requestCount: read.request_count,
      rejected: read.rejected,
      data: {
        services: services.rows.map((s) => ({
          psaId: s.psa_id,
          name: s.name,
          unitPrice: priceOf(s.unit_price),
          isActive: s.is_active,
        })),
        contracts: contracts.rows.map((c) => ({
          psaId: c.psa_id,
          organizationPsaId: c.organization_psa_id,
          name: c.name,
          startDate: c.start_date,
          endDate: c.end_date,
        })),
        contractServices: contractServices.rows.map((cs) => ({
          psaId: cs.psa_id,
          contractPsaId: cs.contract_psa_id,
          servicePsaId: cs.service_psa_id,
          unitPrice: priceOf(cs.unit_price),
        })),
        contractServiceUnits: units.rows.map((u) => ({
          psaId: u.psa_id,
          contractPsaId: u.contract_psa_id,
          contractServicePsaId: u.contract_service_psa_id,
          servicePsaId: u.service_psa_id,
          startDate: u.start_date,
          endDate: u.end_date,
          units: Number(u.units),
          approveAndPostDate: u.approve_and_post_date,
        })),
      },
    };
  }
}
