import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exited, startOrgmap } from "../../test/support/orgmap-process.ts";

async function matchOutput(
  dir: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const child = startOrgmap(
    ["match", "--organizations", join(dir, "orgs.csv"), "--module-organizations", join(dir, "mods.csv")],
    env,
  );
  await exited(child);
  return { code: child.exitCode, out: child.output() };
}

describe("orgmap match as a process", () => {
  it("answers from its bundle (workers too) what it answers through tsx, byte for byte", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orgmap-match-process-"));
    await writeFile(
      join(dir, "orgs.csv"),
      "id,name,psaId\no1,Acme Corporation,4711\no2,Zephyr Dental Services,\no3,Quillon Marina,\n",
    );
    const names = [
      "ACME Inc.",
      "Zephyr Dental",
      "Quillon Marina LLC",
      "Northwind Traders",
      "Zephr Dental Svcs",
    ];
    // 5,000 module organizations: the command spreads them over worker threads.
    const lines = Array.from({ length: 5000 }, (_, i) => `m${i},${names[i % names.length]},,`);
    lines.push("s1,Warehouse,p1,", "p1,Front Desk,,4711");
    await writeFile(join(dir, "mods.csv"), `id,name,parentId,psaId\n${lines.join("\n")}\n`);
    const bundled = await matchOutput(dir, { ORGMAP_MATCH_BUNDLE: "1" });
    const throughTsx = await matchOutput(dir, { ORGMAP_MATCH_BUNDLE: "0" });
    expect(bundled.code).toBe(0);
    expect(throughTsx.code).toBe(0);
    expect(bundled.out).toContain("m0,1,o1,");
    expect(bundled.out).toContain("its parent is mapped to Acme Corporation");
    expect(bundled.out).toBe(throughTsx.out);
  }, 120_000);
});
