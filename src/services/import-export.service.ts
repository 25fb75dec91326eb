import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.ts";
import { ExportRepository } from "../db/export.repository.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { checkMapping, type ReadyModule, type RuleCheck } from "./mapping-rules.ts";
import { applyMapping } from "./mapping-writes.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

export const EXPORT_COLUMNS = [
  "moduleKey",
  "moduleExternalId",
  "moduleOrganizationName",
  "organizationPsaId",
  "organizationName",
] as const;

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or tab/CR) as a formula; a leading
 * apostrophe makes it text. Vendor names are untrusted, so every exported cell passes here.
 */
export function escapeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function unescapeFormula(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

export interface ImportRowReport {
  line: number;
  moduleKey: string;
  moduleExternalId: string;
  organizationPsaId: string;
  action: "map" | "move" | "unmap" | "unchanged" | "error";
  message: string;
}

/** CSV export of every mapping, and import of the same format (dry run, or all-or-nothing apply). */
export class ImportExportService {
  constructor(private readonly ctx: AppContext) {}

  async exportCsv(): Promise<string> {
    const rows = await new ExportRepository(this.ctx.db).mappingRows();
    return stringify(
      rows.map((r) =>
        [r.module_key, r.external_id, r.module_organization_name, r.psa_id, r.organization_name].map(
          escapeFormula,
        ),
      ),
      { header: true, columns: [...EXPORT_COLUMNS] },
    );
  }

  /**
   * Checks (and with `apply`, applies in one transaction) a mapping CSV. An empty organizationPsaId
   * unmaps. Any error row makes `apply` change nothing.
   */
  async importCsv(actor: Actor, text: string, options: { apply: boolean }) {
    let records: Record<string, string>[];
    try {
      records = parse(text, {
        columns: true,
        bom: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: false,
      });
    } catch (error) {
      const e = error as { lines?: number; message: string };
      throw new AppError(
        "invalid_value",
        `the file is not valid CSV${e.lines ? ` (line ${e.lines})` : ""}: ${e.message}`,
        { field: "file" },
      );
    }
    const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
    for (const column of ["moduleKey", "moduleExternalId", "organizationPsaId"]) {
      if (
        !header
          .split(",")
          .map((c) => c.trim().replace(/^"|"$/g, ""))
          .includes(column)
      ) {
        throw new AppError("invalid_value", `the header row has no ${column} column`, { field: "file" });
      }
    }
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      step.title = "Import mappings";
      const readyChecks = new Map<string, RuleCheck<ReadyModule>>();
      const report: ImportRowReport[] = [];
      for (const [index, record] of records.entries()) {
        const line = index + 2;
        const moduleKey = unescapeFormula(record.moduleKey ?? "");
        const moduleExternalId = unescapeFormula(record.moduleExternalId ?? "");
        const organizationPsaId = unescapeFormula(record.organizationPsaId ?? "");
        const row = { line, moduleKey, moduleExternalId, organizationPsaId };
        // The write path's own rules, as a value: every line is reported, not only the first error.
        const check = await checkMapping(
          repos,
          {
            moduleKey,
            moduleExternalId,
            organizationPsaId: organizationPsaId === "" ? null : organizationPsaId,
          },
          readyChecks,
        );
        if (!check.ok) {
          report.push({ ...row, action: "error", message: check.error.message });
          continue;
        }
        const { moduleOrganization, target } = check.value;
        const current = await repos.mappings.findMapping(moduleOrganization.id);
        if ((current?.organization_id ?? null) === (target?.id ?? null)) {
          report.push({
            ...row,
            action: "unchanged",
            message: target ? `already mapped to ${target.name}` : "not mapped",
          });
          continue;
        }
        report.push({
          ...row,
          action: target ? (current ? "move" : "map") : "unmap",
          message: !target
            ? `unmap from ${current?.organization_name}`
            : current
              ? `move from ${current.organization_name} to ${target.name}`
              : `map to ${target.name}`,
        });
        await applyMapping(repos, step, moduleOrganization, target, "import", { current });
      }
      const errors = report.filter((r) => r.action === "error").length;
      const summary = {
        applied: options.apply && errors === 0,
        rows: report.length,
        errors,
        changes: report.filter((r) => r.action === "map" || r.action === "move" || r.action === "unmap")
          .length,
        report,
      };
      if (!summary.applied) throw new DryRun(summary);
      return summary;
    }).catch((error: unknown) => {
      if (error instanceof DryRun) return error.summary;
      throw error;
    });
  }
}

/** Rolls the import transaction back while carrying its report out (dry runs and refused applies). */
class DryRun extends Error {
  constructor(
    readonly summary: {
      applied: boolean;
      rows: number;
      errors: number;
      changes: number;
      report: ImportRowReport[];
    },
  ) {
    super("dry run");
  }
}
