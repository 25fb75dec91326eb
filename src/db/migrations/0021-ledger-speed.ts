import { type Kysely, sql } from "kysely";

/**
 * The nightly usage write compares a module's whole read with its intervals in force in one
 * statement (docs/BILLING.md "The nightly write"). Reaching those intervals through the module's
 * module organizations was one index probe per module organization (25,000 a module, 200,000 a
 * night: most of the statement). `usage_ledger.module_key` (the module of the row's module
 * organization, which never changes) and a partial index on it for the rows in force let the
 * statement read one module's open rows in one index range.
 *
 * Writers that leave `module_key` out (tests and benchmarks seeding the ledger by hand) get it
 * filled from the module organization by a trigger that runs only then (`when ... is null`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table usage_ledger add column module_key text`.execute(db);
  await sql`
    update usage_ledger u set module_key = mo.module_key
    from module_organizations mo where mo.id = u.module_organization_id
  `.execute(db);
  await sql`alter table usage_ledger alter column module_key set not null`.execute(db);
  await sql`create index usage_ledger_module_open_idx on usage_ledger (module_key) where valid_to is null`.execute(
    db,
  );
  await sql`
    create function usage_ledger_module_key() returns trigger language plpgsql as $$
    begin
      select module_key into new.module_key from module_organizations where id = new.module_organization_id;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger usage_ledger_module_key before insert on usage_ledger
    for each row when (new.module_key is null) execute function usage_ledger_module_key()
  `.execute(db);
}
