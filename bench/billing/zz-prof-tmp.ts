import { openDatabase } from "../../src/db/database.ts";
import { ReconciliationRepository } from "../../src/db/reconciliation.repository.ts";
import { repositories } from "../../src/db/repositories.ts";
import { parsePeriodKey } from "../../src/domain/billing/period.ts";
import { PsaContractIndex } from "../../src/domain/billing/psa-contract-index.ts";
import { reconcilePeriod } from "../../src/domain/billing/reconcile-period.ts";
const h = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${process.argv[2]}` });
const period = parsePeriodKey("2026-11", "UTC");
const repo = new ReconciliationRepository(h.db);
const repos = repositories(h.db);
let t = performance.now();
const usage = await repo.usageForPeriod(period);
console.log("usage", (performance.now() - t).toFixed(0), usage.length);
t = performance.now();
const mappings = await repo.mappingsForPeriod(period);
const organizations = await repo.organizations();
const serviceMappings = await repos.serviceMappings.list();
const contracts = await repos.psaContracts.load();
console.log("others", (performance.now() - t).toFixed(0));
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const rows = reconcilePeriod({
    period,
    asOf: new Date(),
    staleFrom: new Map(),
    serviceMappings,
    usage,
    mappings,
    organizationPsaIds: new Map(organizations.map((o) => [o.id, o.psaId])),
    psa: contracts ? new PsaContractIndex(contracts.data, period) : null,
  });
  console.log("calc", (performance.now() - t).toFixed(0), rows.length);
}
await h.close();
