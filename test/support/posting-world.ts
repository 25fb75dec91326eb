import { sql } from "kysely";
import type { Db } from "../../src/db/database.ts";
import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import type { AutotaskAdjustmentsData } from "../vendors/autotask-adjustments.server.ts";

/**
 * A module of `count` sites, each mapped to its own organization whose recurring contract has one
 * contract service (id 5000 + i) for the "devices" billing type: the reconciliation of `periodKey`
 * wants `desired[i]` units where the PSA bills `billed[i]`. Written straight into the tables (the
 * paths that write them have their own tests), so that a real `orgmap post` process posts from the
 * real reconciliation. Returns the emulated Autotask holding the same contracts.
 */
export async function seedPostingWorld(
  db: Db,
  options: { moduleKey: string; periodKey: string; billed: number[]; desired: number[]; now?: Date },
): Promise<AutotaskAdjustmentsData> {
  const { moduleKey, periodKey, billed, desired } = options;
  const now = options.now ?? new Date();
  const repos = repositories(db);
  const [year, month] = periodKey.split("-").map(Number) as [number, number];
  const periodStart = new Date(Date.UTC(year, month - 1, 1));
  const longAgo = new Date(periodStart.getTime() - 40 * 86_400_000);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const periodEnd = `${periodKey}-${String(lastDay).padStart(2, "0")}`;
  await repos.organizations.upsertMany(
    billed.map((_, i) => ({
      psaId: String(1000 + i),
      name: `Company ${1000 + i}`,
      type: "Customer" as const,
      isActive: true,
      parentPsaId: null,
    })),
    longAgo,
  );
  await repos.modules.insert({ key: moduleKey, name: `Module ${moduleKey}`, createdAt: longAgo });
  await repos.moduleOrganizations.upsertMany(
    moduleKey,
    billed.map((_, i) => ({
      externalId: `site-${i}`,
      name: `Site ${i}`,
      parentExternalId: null,
      attributes: {},
    })),
    longAgo,
  );
  const sites = await db
    .selectFrom("module_organizations")
    .select(["id", "external_id"])
    .where("module_key", "=", moduleKey)
    .execute();
  const organizations = new Map(
    (await db.selectFrom("organizations").select(["id", "psa_id"]).execute()).map((o) => [o.psa_id, o.id]),
  );
  const siteIds: string[] = [];
  const organizationIds: string[] = [];
  const quantities: number[] = [];
  for (const site of sites) {
    const i = Number(site.external_id.slice("site-".length));
    siteIds.push(site.id);
    organizationIds.push(organizations.get(String(1000 + i))!);
    quantities.push(desired[i]!);
  }
  await sql`
    insert into mapping_intervals (module_organization_id, organization_id, is_excluded, valid_from, valid_to)
    select m, o, false, ${longAgo}, null from unnest(${siteIds}::uuid[], ${organizationIds}::uuid[]) as x(m, o)
  `.execute(db);
  await sql`
    insert into usage_ledger (module_organization_id, billing_type, quantity, valid_from, valid_to, read_at)
    select m, 'devices', q, ${longAgo}, null, ${longAgo} from unnest(${siteIds}::uuid[], ${quantities}::int[]) as x(m, q)
  `.execute(db);
  await repos.usageLedger.insertUsageRead({
    moduleKey,
    syncRunId: null,
    readAt: new Date(now.getTime() - 3_600_000),
    outcome: "complete",
    error: null,
    requestCount: 0,
    counts: {},
    rejected: [],
  });
  await db.transaction().execute((tx) =>
    repositories(tx).psaContracts.replace({
      readAt: now,
      window: {
        from: longAgo.toISOString().slice(0, 10),
        to: new Date(periodStart.getTime() + 70 * 86_400_000).toISOString().slice(0, 10),
      },
      requestCount: 0,
      rejected: [],
      data: {
        services: [{ psaId: "501", name: "Managed Workstation", unitPrice: 125_000n, isActive: true }],
        contracts: billed.map((_, i) => ({
          psaId: String(1 + i),
          organizationPsaId: String(1000 + i),
          name: `MSA ${i}`,
          startDate: "2025-01-01",
          endDate: "2030-12-31",
        })),
        contractServices: billed.map((_, i) => ({
          psaId: String(5000 + i),
          contractPsaId: String(1 + i),
          servicePsaId: "501",
          unitPrice: 125_000n,
        })),
        contractServiceUnits: billed.map((units, i) => ({
          psaId: String(80_000 + i),
          contractPsaId: String(1 + i),
          contractServicePsaId: String(5000 + i),
          servicePsaId: "501",
          startDate: `${periodKey}-01`,
          endDate: periodEnd,
          units,
          approveAndPostDate: null,
        })),
      },
    }),
  );
  await repos.serviceMappings.upsert(
    {
      moduleKey,
      billingType: "devices",
      psaServiceId: "501",
      psaServiceName: "Managed Workstation",
      policy: "latest",
      updatedBy: cliActor.label,
    },
    now,
  );
  await repos.posting.setEnabled(moduleKey, true, cliActor.label, now);
  return {
    contracts: billed.map((_, i) => ({
      id: 1 + i,
      companyID: 1000 + i,
      contractName: `MSA ${i}`,
      contractType: 7,
      status: 1,
      startDate: "2025-01-01T00:00:00Z",
      endDate: "2030-12-31T00:00:00Z",
    })),
    contractServices: billed.map((_, i) => ({
      id: 5000 + i,
      contractID: 1 + i,
      serviceID: 501,
      unitPrice: 12.5,
    })),
    contractServiceUnits: billed.map((units, i) => ({
      id: 80_000 + i,
      contractID: 1 + i,
      contractServiceID: 5000 + i,
      serviceID: 501,
      startDate: `${periodKey}-01T00:00:00Z`,
      endDate: `${periodEnd}T00:00:00Z`,
      units,
      approveAndPostDate: null,
    })),
    services: [{ id: 501, name: "Managed Workstation", unitPrice: 12.5, isActive: true }],
  };
}
