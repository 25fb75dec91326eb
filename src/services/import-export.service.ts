import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.ts";
import { ExportRepository } from "../db/export.repository.ts";
import { repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { isMappableType } from "../domain/organization.ts";
import { AuditStep } from "./audit-step.ts";
import { applyMapping, lockModuleOrganization } from "./mapping-rules.ts";

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
    return this.ctx.db
      .transaction()
      .execute(async (tx) => {
        const repos = repositories(tx);
        const step = new AuditStep(actor, this.ctx.clock.now());
        const readyKeys = new Set(await repos.modules.readyKeys());
        const report: ImportRowReport[] = [];
        for (const [index, record] of records.entries()) {
          const line = index + 2;
          const moduleKey = unescapeFormula(record.moduleKey ?? "");
          const moduleExternalId = unescapeFormula(record.moduleExternalId ?? "");
          const organizationPsaId = unescapeFormula(record.organizationPsaId ?? "");
          const row = { line, moduleKey, moduleExternalId, organizationPsaId };
          const fail = (message: string) => report.push({ ...row, action: "error", message });
          if (!readyKeys.has(moduleKey)) {
            fail(`module ${JSON.stringify(moduleKey)} does not exist or is not ready`);
            continue;
          }
          const [moduleOrganization] = await repos.moduleOrganizations.findByExternalIds(moduleKey, [
            moduleExternalId,
          ]);
          if (!moduleOrganization) {
            fail(
              `${moduleKey} has no module organization with external id ${JSON.stringify(moduleExternalId)}`,
            );
            continue;
          }
          const current = await repos.mappings.findMapping(moduleOrganization.id);
          if (organizationPsaId === "") {
            if (!current) report.push({ ...row, action: "unchanged", message: "not mapped" });
            else {
              report.push({ ...row, action: "unmap", message: `unmap from ${current.organization_name}` });
              await applyMapping(
                repos,
                step,
                await lockModuleOrganization(repos, moduleOrganization.id),
                null,
                "import",
              );
            }
            continue;
          }
          const [target] = await repos.organizations.findByPsaIds([organizationPsaId]);
          if (!target) {
            fail(`no organization has PSA id ${JSON.stringify(organizationPsaId)}`);
            continue;
          }
          if (!isMappableType(target.type)) {
            fail(`${target.name} is a ${target.type} organization and cannot be a mapping target`);
            continue;
          }
          if (current?.organization_id === target.id) {
            report.push({ ...row, action: "unchanged", message: `already mapped to ${target.name}` });
            continue;
          }
          report.push({
            ...row,
            action: current ? "move" : "map",
            message: current
              ? `move from ${current.organization_name} to ${target.name}`
              : `map to ${target.name}`,
          });
          await applyMapping(
            repos,
            step,
            await lockModuleOrganization(repos, moduleOrganization.id),
            target,
            "import",
          );
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
        await step.flush(repos.audit);
        return summary;
      })
      .catch((error: unknown) => {
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
