import { readFile } from "node:fs/promises";
import { isOrganizationType } from "../../domain/organization.ts";
import {
  ConnectorError,
  type FetchOptions,
  type Page,
  type PsaConnector,
  type PsaOrganizationRecord,
} from "../connector.ts";
import { checkId, checkName, rejection, SeenIds } from "../record-checks.ts";
import type { FilePsaSettings } from "./file.settings.ts";
import { resolveImportFile } from "./import-file.ts";

const PAGE_SIZE = 500;

/**
 * Reads a JSON array of `{psaId, name, type, isActive?, parentPsaId?}` (Autotask's type spelling)
 * and yields it 500 at a time, rejecting bad items with the reason and their position.
 */
export function createFilePsaConnector(
  settings: FilePsaSettings,
  importDir: string | undefined,
): PsaConnector {
  return {
    kind: "file",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<PsaOrganizationRecord>> {
      const path = await resolveImportFile(importDir, settings.path);
      let items: unknown;
      try {
        items = JSON.parse(await readFile(path, { encoding: "utf8", signal: options.signal }));
      } catch (error) {
        // JSON.parse quotes the text it choked on: the message goes to the log, users read the summary.
        throw new ConnectorError(`file: cannot read ${settings.path}: ${(error as Error).message}`, {
          summary: `file: ${settings.path} is not a readable JSON file`,
        });
      }
      if (!Array.isArray(items)) throw new ConnectorError(`file: ${settings.path} must hold a JSON array`);
      const seen = new SeenIds();
      for (let start = 0; start < items.length || start === 0; start += PAGE_SIZE) {
        const page: Page<PsaOrganizationRecord> = { records: [], rejected: [] };
        items.slice(start, start + PAGE_SIZE).forEach((item, offset) => {
          const mapped = mapItem(item, `item ${start + offset + 1}`, seen);
          if ("reason" in mapped) page.rejected.push(rejection(mapped.reason, item));
          else page.records.push(mapped);
        });
        yield page;
        if (items.length === 0) break;
      }
    },
  };
}

function mapItem(item: unknown, where: string, seen: SeenIds): PsaOrganizationRecord | { reason: string } {
  if (!item || typeof item !== "object") return { reason: `${where}: not an object` };
  const raw = item as Record<string, unknown>;
  const id = checkId(raw.psaId ?? raw.id, "psaId");
  if (!id.ok) return { reason: `${where}: ${id.reason}` };
  const name = checkName(raw.name);
  if (!name.ok) return { reason: `${where}: ${name.reason}` };
  const type = typeof raw.type === "string" ? raw.type : "";
  if (!isOrganizationType(type)) return { reason: `${where}: unknown organization type "${type}"` };
  let parentPsaId: string | null = null;
  if (raw.parentPsaId !== undefined && raw.parentPsaId !== null && raw.parentPsaId !== "") {
    const parent = checkId(raw.parentPsaId, "parentPsaId");
    if (!parent.ok) return { reason: `${where}: ${parent.reason}` };
    parentPsaId = parent.value;
  }
  if (!seen.claim(id.value)) return { reason: `${where}: duplicate id: the same id appeared earlier` };
  return { psaId: id.value, name: name.value, type, isActive: raw.isActive !== false, parentPsaId };
}
