import type { AppContext } from "../../../context.ts";
import { repositories } from "../../../db/repositories.ts";
import { parseDecimal } from "../../../domain/billing/money.ts";
import type { PostingCandidate } from "../../../domain/billing/posting.ts";
import type { ReconciliationService } from "../reconciliation.service.ts";
import type { PostingSource } from "./posting-types.ts";

/**
 * The planner inputs of a module for a period, from the reconciliation (issue 9): every row one of
 * whose billing types comes from the module. A row is per (organization, service, period) and may
 * add up several modules' usage; its desired units are the row's total, so whichever of its
 * modules posts, the same units are posted (desired state, rule 15). Reconciliation rows name the
 * contract and the service; the contract service is looked up in the stored PSA contracts read.
 */
export class ReconciliationPostingSource implements PostingSource {
  constructor(
    private readonly ctx: Pick<AppContext, "db">,
    private readonly reconciliation: ReconciliationService,
  ) {}

  async candidates(moduleKey: string, periodKey: string): Promise<PostingCandidate[]> {
    const { rows } = await this.reconciliation.allRows({ period: periodKey, moduleKey });
    const mine = rows.filter((row) => row.billingTypes.some((b) => b.moduleKey === moduleKey));
    const pairs = mine.flatMap((row) =>
      row.contract && row.service
        ? [{ contractPsaId: row.contract.psaId, servicePsaId: row.service.psaId }]
        : [],
    );
    const contractServices = await repositories(this.ctx.db).posting.contractServiceIds(pairs);
    return mine.map((row) => {
      const contractServicePsaId =
        row.contract && row.service
          ? (contractServices.get(`${row.contract.psaId}/${row.service.psaId}`) ?? null)
          : null;
      return {
        moduleKey,
        billingType: row.billingTypes
          .filter((b) => b.moduleKey === moduleKey)
          .map((b) => b.billingType)
          .join("+"),
        organizationId: row.organization?.id ?? null,
        organizationName: row.organization?.name ?? row.moduleOrganization?.name ?? "(unknown)",
        // A row whose contract has the service but whose contract service is gone from the stored read.
        state:
          row.state !== "no_contract" && row.contract && row.service && !contractServicePsaId
            ? "service_not_on_contract"
            : row.state,
        periodKey,
        desiredUnits: row.desiredUnits,
        contractPsaId: row.contract?.psaId ?? null,
        contractServicePsaId,
        servicePsaId: row.service?.psaId ?? null,
        serviceName: row.service?.name ?? null,
        unitPrice: row.unitPrice === null ? null : parseDecimal(row.unitPrice),
      };
    });
  }
}
