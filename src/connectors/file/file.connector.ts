import type { FetchOptions, ModuleConnector, ModuleOrganizationRecord, Page } from "../connector.ts";
import { type MapResult, rejection, SeenIds, toPage } from "../record-checks.ts";
import { type FileRow, readCsvRows, readJsonRows } from "./file.client.ts";
import { mapFileRow } from "./file.mapper.ts";
import type { FileSettings } from "./file.settings.ts";
import { resolveImportFile } from "./import-file.ts";

const ROWS_PER_PAGE = 1_000;

/** Chooses the format from the settings, else from the file's extension. */
export function fileFormat(settings: FileSettings): "csv" | "json" {
  return settings.format ?? (settings.path.toLowerCase().endsWith(".json") ? "json" : "csv");
}

/**
 * The file connector: a CSV or JSON list of `externalId,name,parentExternalId,...`, for modules
 * without a public API and for the demo. Rows are read as a stream and yielded 1000 at a time.
 */
export function createFileConnector(settings: FileSettings, importDir: string | undefined): ModuleConnector {
  return {
    kind: "file",
    async *fetchAll(options: FetchOptions = {}): AsyncGenerator<Page<ModuleOrganizationRecord>> {
      const path = await resolveImportFile(importDir, settings.path);
      const rows =
        fileFormat(settings) === "json"
          ? readJsonRows(path, options.signal, settings.path)
          : readCsvRows(path, settings.delimiter, options.signal, settings.path);
      const seen = new SeenIds();
      let batch: MapResult<ModuleOrganizationRecord>[] = [];
      let yielded = false;
      for await (const row of rows) {
        batch.push(mapRow(row, seen));
        if (batch.length >= ROWS_PER_PAGE) {
          yield toPage(batch);
          yielded = true;
          batch = [];
        }
      }
      if (batch.length > 0 || !yielded) yield toPage(batch);
    },
  };
}

function mapRow(row: FileRow, seen: SeenIds): MapResult<ModuleOrganizationRecord> {
  if (row.kind === "bad") return { rejected: rejection(row.reason, row.raw) };
  return mapFileRow(row.row, row.where, seen);
}
