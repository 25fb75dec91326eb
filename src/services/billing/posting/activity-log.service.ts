import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../../../context.ts";
import type { ActivityFilter, ActivityRecord } from "../../../db/activity-log.repository.ts";
import { repositories } from "../../../db/repositories.ts";
import type { Actor } from "../../../domain/actor.ts";
import { AppError, notFound } from "../../../domain/errors.ts";
import { escapeFormula } from "../../import-export.service.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";
import type { PostingService, PostingSummary } from "./posting.service.ts";

const CSV_COLUMNS = [
  "day",
  "module",
  "billingType",
  "organization",
  "contract",
  "service",
  "period",
  "change",
  "unitsBefore",
  "unitsAfter",
  "unitPrice",
  "outcome",
  "reason",
] as const;

/** Rows per CSV page read: the export streams the whole filter through in pages. */
const CSV_PAGE = 1_000;

/** The activity log (rule 17): reading, CSV export, and the retry of a failed row. */
export class ActivityLogService {
  constructor(
    private readonly ctx: AppContext,
    private readonly posting: PostingService,
  ) {}

  async list(filter: ActivityFilter, page: { limit: number; offset: number }) {
    return repositories(this.ctx.db).activityLog.list(filter, page.limit, page.offset);
  }

  /** The rows of the filter as CSV; text cells are formula-safe (a spreadsheet runs "=..." as a formula). */
  async csv(filter: ActivityFilter): Promise<string> {
    const repos = repositories(this.ctx.db);
    const lines = [stringify([[...CSV_COLUMNS]])];
    for (let offset = 0; ; offset += CSV_PAGE) {
      const { rows } = await repos.activityLog.list(filter, CSV_PAGE, offset);
      lines.push(stringify(rows.map(csvRow)));
      if (rows.length < CSV_PAGE) break;
    }
    return lines.join("");
  }

  /**
   * Retries a failed row once its cause is fixed: a posting run of its module narrowed to the
   * row's organization, billing type and contract service, under the same exactly-once rules.
   */
  async retry(actor: Actor, id: string): Promise<PostingSummary> {
    const row = await repositories(this.ctx.db).activityLog.find(id);
    if (!row) throw notFound("activity row", id, "id");
    if (row.outcome !== "failed") {
      throw new AppError("conflict", `Only a failed row is retried; this one is ${row.outcome}`, {
        details: { id },
      });
    }
    const summary = await this.posting.post(actor, row.moduleKey, {
      periodKey: row.periodKey,
      trigger: "retry",
      only: (c) =>
        row.billingType.split("+").includes(c.billingType) &&
        (c.organizationId ?? c.organizationName) === (row.organizationId ?? row.organizationName),
    });
    const line = summary.lines[0];
    const outcome = line?.action ?? "gone";
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (line && line.action !== "failed") {
        const settled = line.action === "held" ? "held" : "posted";
        const where = `contract ${line.contractPsaId ?? "?"}, ${line.serviceName ?? line.billingType}`;
        await repos.activityLog.settleRetried(
          id,
          settled,
          `retried by ${actor.label}: ${outcome} (${where})`,
          step.at,
        );
      }
      step.record({
        entityType: "activity",
        action: "posting.retried",
        entityId: id,
        summary: `Retried ${row.organizationName}, ${row.serviceName ?? row.billingType} ${row.periodKey}: ${outcome}`,
        before: { outcome: "failed" },
        after: { outcome },
      });
    });
    return summary;
  }
}

function csvRow(row: ActivityRecord): (string | number)[] {
  const text = (value: string | null) => escapeFormula(value ?? "");
  return [
    row.day,
    text(row.moduleKey),
    text(row.billingType),
    text(row.organizationName),
    text(row.contractPsaId),
    text(row.serviceName),
    row.periodKey,
    row.direction,
    row.unitsBefore ?? "",
    row.unitsAfter ?? "",
    row.unitPrice ?? "",
    row.outcome,
    text(row.reason),
  ];
}
