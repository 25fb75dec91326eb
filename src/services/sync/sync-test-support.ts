import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A temporary folder for a test file's CSV/JSON sources, removed afterwards. */
export function useTempFiles() {
  const dir = mkdtempSync(join(tmpdir(), "orgmap-sync-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    dir,
    /** Writes `externalId,name,parentExternalId` rows as CSV; returns the path. */
    csv(rows: readonly (readonly [string, string, string?])[], name = `m-${++n}.csv`): string {
      const path = join(dir, name);
      const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
      writeFileSync(
        path,
        [
          "externalId,name,parentExternalId",
          ...rows.map((r) => [r[0], r[1], r[2] ?? ""].map(quote).join(",")),
        ].join("\n"),
      );
      return path;
    },
    json(value: unknown, name = `f-${++n}.json`): string {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value));
      return path;
    },
  };
}
