import type { AppContext } from "../../../context.ts";
import type { ApprovalRecord } from "../../../db/posting-approval.repository.ts";
import { repositories } from "../../../db/repositories.ts";
import type { ApprovalState } from "../../../db/schema.ts";
import type { Actor } from "../../../domain/actor.ts";
import { AppError, notFound } from "../../../domain/errors.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";

/**
 * Held decreases (rule 16): a decrease to zero, or by more than the set share, waits for an
 * admin. Approving lets the next run (or "Post now") post that very change; if the units or the
 * target changed since, the run asks again. Rejecting keeps it held. Both are audited.
 */
export class ApprovalService {
  constructor(private readonly ctx: AppContext) {}

  async list(
    filter: { state?: ApprovalState },
    page: { limit: number; offset: number },
  ): Promise<ApprovalRecord[]> {
    return repositories(this.ctx.db).postingApprovals.list(filter, page.limit, page.offset);
  }

  async decide(actor: Actor, id: string, decision: "approved" | "rejected"): Promise<ApprovalRecord> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const approval = await repos.postingApprovals.find(id);
      if (!approval) throw notFound("approval", id, "id");
      if (approval.state !== "pending") {
        throw new AppError("conflict", `This approval is ${approval.state}, not pending`, {
          details: { id, state: approval.state },
        });
      }
      if (!(await repos.postingApprovals.setState(id, decision, actor.label, step.at, ["pending"]))) {
        throw new AppError("conflict", "This approval was decided meanwhile", { details: { id } });
      }
      step.record({
        entityType: "posting_approval",
        action: decision === "approved" ? "posting.approved" : "posting.rejected",
        entityId: id,
        summary: `${decision === "approved" ? "Approved" : "Rejected"}: ${approval.organizationName}, ${approval.serviceName} ${approval.periodKey} from ${approval.unitsBefore} to ${approval.targetUnits} units`,
        before: { state: "pending" },
        after: { state: decision },
      });
      return (await repos.postingApprovals.find(id))!;
    });
  }
}
