import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";

/** Every file and folder under `dir` whose mode lets the group or others in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) found.push(...openToOthers(path));
  }
  return found;
}

/** Issue 11 point 10: PGlite's files (pg_hba.conf, pg_authid, ...) are the orgmap user's alone. */
describe("the PGlite data folder", () => {
  const root = mkdtempSync(join(tmpdir(), "orgmap-modes-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("holds files 0600 and folders 0700, older world-writable ones narrowed at start", async () => {
    const dataDir = join(root, "pglite");
    mkdirSync(dataDir, { mode: 0o777 });
    writeFileSync(join(dataDir, "left-by-an-older-version"), "x", { mode: 0o666 });
    const previous = process.umask(0);
    try {
      const handle = await openDatabase({ dataDir });
      await handle.close();
    } finally {
      process.umask(previous);
    }
    expect(openToOthers(root).filter((p) => !p.startsWith(`${root} `))).toEqual([]);
  });
});
