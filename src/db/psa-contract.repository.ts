import { type OnConflictBuilder, sql } from "kysely";
import { formatDecimal, parseDecimal } from "../domain/billing/money.ts";
import type { PsaContractData } from "../domain/billing/psa-contracts.ts";
import { copyRows, textArrayLiteral } from "./copy.ts";
import type { Db } from "./database.ts";
import type { Database } from "./schema.ts";

/** Rows per insert: well under PostgreSQL's 65,535 parameters for the widest table (8 columns). */
const CHUNK = 2000;

const decimalOrNull = (amount: bigint | null) => (amount === null ? null : formatDecimal(amount));
async function inChunks<T>(items: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await write(items.slice(i, i + CHUNK));
}

const priceOf = (text: string | null) => (text === null ? null : parseDecimal(text));

type ContractTable =
  | "psa_services"
  | "psa_contracts"
  | "psa_contract_services"
  | "psa_contract_service_units";

/** An upsert's conflict: the row is updated only where one of `columns` differs (else left alone). */
function updateChanged<T extends ContractTable>(
  oc: OnConflictBuilder<Database, T>,
  table: T,
  columns: readonly string[],
) {
  // Built from column names, which Kysely's types cannot follow for a table chosen by a parameter.
  const set = Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)])) as never;
  return oc
    .column("psa_id")
    .doUpdateSet(set)
    .where(
      sql<boolean>`(${sql.join(columns.map((c) => sql.ref(`${table}.${c}`)))}) is distinct from (${sql.join(
        columns.map((c) => sql.ref(`excluded.${c}`)),
      )})`,
    );
}

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

  /** Deletes the rows of `table` whose PSA id is not among `rows`' (what the read no longer has). */
  private async keepOnly(table: ContractTable, rows: readonly { psaId: string }[]): Promise<void> {
    await sql`
      delete from ${sql.table(table)} t
      where not exists (select from unnest(${rows.map((r) => r.psaId)}::text[]) as n(id) where n.id = t.psa_id)
    `.execute(this.db);
  }

  async replace(snapshot: PsaContractSnapshot): Promise<void> {
    const { data } = snapshot;
    // Only what changed is written (migration 0024 records what each write touched, so that a
    // night whose contracts are as they were leaves the reconciliation's snapshot as it is): the
    // rows no longer read are deleted, the others upserted, updated only where a column differs.
    await this.keepOnly("psa_contract_service_units", data.contractServiceUnits);
    await this.keepOnly("psa_contract_services", data.contractServices);
    await this.keepOnly("psa_contracts", data.contracts);
    await this.keepOnly("psa_services", data.services);
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
        .onConflict((oc) => updateChanged(oc, "psa_services", ["name", "unit_price", "is_active"]))
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
        .onConflict((oc) =>
          updateChanged(oc, "psa_contracts", ["organization_psa_id", "name", "start_date", "end_date"]),
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
        .onConflict((oc) =>
          updateChanged(oc, "psa_contract_services", ["contract_psa_id", "service_psa_id", "unit_price"]),
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
        .onConflict((oc) =>
          updateChanged(oc, "psa_contract_service_units", [
            "contract_psa_id",
            "contract_service_psa_id",
            "service_psa_id",
            "start_date",
            "end_date",
            "units",
            "approve_and_post_date",
          ]),
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
  async load(
    only: {
      /** Only these organizations' contracts, their services and units (the services all the same). */
      organizationIds?: readonly string[];
      /**
       * Only what a period's reconciliation reads (`PsaContractIndex`): the contracts running in
       * the month, their services, and the units starting in it (the read window holds two or
       * three months: the others' units were a third to a half of the rows read).
       */
      period?: { key: string };
    } = {},
  ): Promise<PsaContractSnapshot | null> {
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
    // COPY takes no parameters: the organizations as a literal (uuids: no quote to escape).
    // The month's first day and the next month's: `PsaContractIndex`'s own tests (a contract runs in
    // the month when it starts before the next month and ends on or after the first day; a unit
    // belongs to the month it starts in). A key is "YYYY-MM" (checked: it goes into the text).
    const month = only.period === undefined ? undefined : monthBounds(only.period.key);
    const ofOrganizations =
      only.organizationIds === undefined
        ? undefined
        : `organization_psa_id in (select psa_id from organizations
             where id = any('${textArrayLiteral(only.organizationIds).replaceAll("'", "''")}'::uuid[]))`;
    const contractConditions = [
      ...(ofOrganizations === undefined ? [] : [ofOrganizations]),
      ...(month === undefined ? [] : [`start_date < '${month.next}' and end_date >= '${month.first}'`]),
    ];
    const contractsOf = contractConditions.length === 0 ? "" : `where ${contractConditions.join(" and ")}`;
    // The lines and units by the organizations' contracts, not by the month's: the index takes only
    // the running contracts' lines, and a join to drop the others cost more than reading them
    // (PGlite, 50,000 organizations: 5.7-6.4 s against 3.6-4.5 s for the whole read).
    const linesOf =
      ofOrganizations === undefined
        ? ""
        : `where contract_psa_id in (select psa_id from psa_contracts where ${ofOrganizations})`;
    // The units by their contract service (indexed), not their contract (not).
    const unitConditions = [
      ...(linesOf === ""
        ? []
        : [`contract_service_psa_id in (select psa_id from psa_contract_services ${linesOf})`]),
      ...(month === undefined ? [] : [`start_date >= '${month.first}' and start_date < '${month.next}'`]),
    ];
    const unitsOf = unitConditions.length === 0 ? "" : `where ${unitConditions.join(" and ")}`;
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
         from psa_contracts ${contractsOf} order by psa_id`,
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
         from psa_contract_services ${linesOf} order by psa_id`,
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
         from psa_contract_service_units ${unitsOf} order by psa_id`,
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

/** The month's first day and the next month's first day, as dates ("YYYY-MM-DD"). */
function monthBounds(key: string): { first: string; next: string } {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  if (!match) throw new Error(`not a month key: ${key}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
  return { first: `${key}-01`, next: `${next}-01` };
}
