import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../../../test/support/test-context.ts";
import * as m0001 from "./0001-initial.ts";
import * as m0002 from "./0002-sync-lease.ts";
import * as m0003 from "./0003-list-indexes.ts";
import * as m0004 from "./0004-billing.ts";

const at = (iso: string) => new Date(iso);

describe("migration 0004-billing", () => {
  const t = useTestContext();

  it("backfills the dated mappings from today's mappings and exclusions", async () => {
    // The migrations up to 0003 in a schema of their own inside a transaction that is rolled back:
    // today's rows first, then 0004 over them, on the very database the tests use.
    const rolledBack = new Error("rolled back");
    const found = await t.ctx.db
      .transaction()
      .execute(async (tx) => {
        await sql`create schema before_0004`.execute(tx);
        await sql`set local search_path = before_0004, public`.execute(tx);
        const scratch = tx as unknown as Kysely<unknown>;
        for (const migration of [m0001, m0002, m0003]) await migration.up(scratch);
        await sql`insert into modules (key, name) values ('rmm', 'RMM')`.execute(tx);
        await sql`insert into organizations (id, psa_id, name, type) values
          ('00000000-0000-4000-8000-00000000000a', 'A', 'Acme', 'Customer'),
          ('00000000-0000-4000-8000-00000000000b', 'B', 'Beta', 'Customer')`.execute(tx);
        await sql`insert into module_organizations (id, module_key, external_id, name) values
          ('00000000-0000-4000-8000-000000000001', 'rmm', 'mapped', 'Mapped'),
          ('00000000-0000-4000-8000-000000000002', 'rmm', 'excluded', 'Excluded'),
          ('00000000-0000-4000-8000-000000000003', 'rmm', 'mapped-then-excluded', 'Mapped then excluded'),
          ('00000000-0000-4000-8000-000000000004', 'rmm', 'excluded-then-mapped', 'Excluded then mapped'),
          ('00000000-0000-4000-8000-000000000005', 'rmm', 'unmapped', 'Unmapped')`.execute(tx);
        await sql`insert into mappings (module_organization_id, organization_id, module_key, source, created_by, created_at) values
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a', 'rmm', 'user', 'alice', '2026-03-01T00:00:00Z'),
          ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000b', 'rmm', 'user', 'alice', '2026-04-01T00:00:00Z'),
          ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-00000000000a', 'rmm', 'user', 'alice', '2026-06-01T00:00:00Z')`.execute(
          tx,
        );
        await sql`insert into exclusions (module_organization_id, created_by, created_at) values
          ('00000000-0000-4000-8000-000000000002', 'bob', '2026-02-01T00:00:00Z'),
          ('00000000-0000-4000-8000-000000000003', 'bob', '2026-05-01T00:00:00Z'),
          ('00000000-0000-4000-8000-000000000004', 'bob', '2026-05-15T00:00:00Z')`.execute(tx);
        await m0004.up(scratch);
        const rows = await sql<{
          external_id: string;
          organization_psa_id: string | null;
          is_excluded: boolean;
          valid_from: Date;
          valid_to: Date | null;
        }>`
          select mo.external_id, o.psa_id as organization_psa_id, mi.is_excluded, mi.valid_from, mi.valid_to
          from mapping_intervals mi
          join module_organizations mo on mo.id = mi.module_organization_id
          left join organizations o on o.id = mi.organization_id
          order by mo.external_id, mi.valid_from
        `.execute(tx);
        throw Object.assign(rolledBack, { rows: rows.rows });
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
        return (error as Error & { rows: unknown[] }).rows;
      });
    expect(found).toEqual([
      {
        external_id: "excluded",
        organization_psa_id: null,
        is_excluded: true,
        valid_from: at("2026-02-01T00:00:00Z"),
        valid_to: null,
      },
      {
        external_id: "excluded-then-mapped",
        organization_psa_id: null,
        is_excluded: true,
        valid_from: at("2026-05-15T00:00:00Z"),
        valid_to: at("2026-06-01T00:00:00Z"),
      },
      {
        external_id: "excluded-then-mapped",
        organization_psa_id: "A",
        is_excluded: true,
        valid_from: at("2026-06-01T00:00:00Z"),
        valid_to: null,
      },
      {
        external_id: "mapped",
        organization_psa_id: "A",
        is_excluded: false,
        valid_from: at("2026-03-01T00:00:00Z"),
        valid_to: null,
      },
      {
        external_id: "mapped-then-excluded",
        organization_psa_id: "B",
        is_excluded: false,
        valid_from: at("2026-04-01T00:00:00Z"),
        valid_to: at("2026-05-01T00:00:00Z"),
      },
      {
        external_id: "mapped-then-excluded",
        organization_psa_id: "B",
        is_excluded: true,
        valid_from: at("2026-05-01T00:00:00Z"),
        valid_to: null,
      },
    ]);
    // Nothing of the scratch schema outlives the test.
    const schemas = await sql<{ n: number }>`
      select count(*) as n from information_schema.schemata where schema_name = 'before_0004'
    `.execute(t.ctx.db);
    expect(Number(schemas.rows[0]?.n)).toBe(0);
  });
});
