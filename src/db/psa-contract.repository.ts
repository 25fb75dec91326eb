import { sql } from "kysely";
import { formatDecimal, parseDecimal } from "../domain/billing/money.ts";
import type { PsaContractData } from "../domain/billing/psa-contracts.ts";
import { copyRows } from "./copy.ts";
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
    // The four reads at once (on PostgreSQL each on a pool connection of its own), by COPY: at
    // 50,000 organizations they are 700,000 rows, whose row objects cost more than the rows.
    const [services, contracts, contractServices, contractServiceUnits] = await Promise.all([
      copyRows(
        this.db,
        "select psa_id, name, unit_price::text, is_active from psa_services order by psa_id",
        (r) => ({
          psaId: r.text(0),
          name: r.text(1),
          unitPrice: priceOf(r.textOrNull(2)),
          isActive: r.boolean(3),
        }),
      ),
      copyRows(
        this.db,
        `select psa_id, organization_psa_id, name, start_date::text, end_date::text
         from psa_contracts order by psa_id`,
        (r) => ({
          psaId: r.text(0),
          organizationPsaId: r.text(1),
          name: r.text(2),
          startDate: r.text(3),
          endDate: r.text(4),
        }),
      ),
      copyRows(
        this.db,
        `select psa_id, contract_psa_id, service_psa_id, unit_price::text
         from psa_contract_services order by psa_id`,
        (r) => ({
          psaId: r.text(0),
          contractPsaId: r.text(1),
          servicePsaId: r.text(2),
          unitPrice: priceOf(r.textOrNull(3)),
        }),
      ),
      copyRows(
        this.db,
        `select psa_id, contract_psa_id, contract_service_psa_id, service_psa_id, start_date::text,
           end_date::text, units, approve_and_post_date::text
         from psa_contract_service_units order by psa_id`,
        (r) => ({
          psaId: r.text(0),
          contractPsaId: r.text(1),
          contractServicePsaId: r.text(2),
          servicePsaId: r.text(3),
          startDate: r.text(4),
          endDate: r.text(5),
          units: r.integer(6),
          approveAndPostDate: r.textOrNull(7),
        }),
      ),
    ]);
    return {
      readAt: new Date(read.read_at),
      window: { from: read.from, to: read.to },
      requestCount: read.request_count,
      rejected: read.rejected,
      data: { services, contracts, contractServices, contractServiceUnits },
    };
  }
}
