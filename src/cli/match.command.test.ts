import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { type MatchCommandOptions, runMatchCommand } from "./match.command.ts";

async function files(organizations: string, moduleOrganizations: string) {
  const dir = await mkdtemp(join(tmpdir(), "orgmap-match-"));
  const organizationsPath = join(dir, "orgs.csv");
  const moduleOrganizationsPath = join(dir, "mods.csv");
  await writeFile(organizationsPath, organizations);
  await writeFile(moduleOrganizationsPath, moduleOrganizations);
  return { organizationsPath, moduleOrganizationsPath };
}

async function run(
  organizations: string,
  moduleOrganizations: string,
  top?: number,
  threads: Pick<MatchCommandOptions, "workers" | "parallelFrom"> = {},
): Promise<string> {
  const paths = await files(organizations, moduleOrganizations);
  let text = "";
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  await runMatchCommand({ ...paths, ...threads, ...(top !== undefined ? { top } : {}) }, out);
  return text;
}

const ORGS =
  "id,name,type\no1,Acme Corporation,Customer\no2,Zephyr Dental Services,Customer\no3,Globex,Dead\n";

describe("runMatchCommand", () => {
  it("writes ranked candidates as CSV with the documented header", async () => {
    const text = await run(ORGS, "id,name\nm1,ACME Inc.\nm2,Northwind Traders\n");
    const rows = parse(text) as string[][];
    expect(rows[0]).toEqual(["moduleOrganizationId", "rank", "organizationId", "score", "accept", "reasons"]);
    expect(rows[1]?.slice(0, 5)).toEqual(["m1", "1", "o1", rows[1]?.[3], "true"]);
    expect(Number(rows[1]?.[3])).toBeGreaterThan(0.9);
    expect(rows[1]?.[5]).toContain("'Inc.'");
    expect(rows.some((r) => r[0] === "m2")).toBe(false); // no plausible candidate: nothing
  });

  it("limits ranks to --top and never proposes a Dead organization", async () => {
    const text = await run(ORGS, "id,name\nm1,Globex Dental\n", 1);
    const rows = parse(text, { from_line: 2 }) as string[][];
    expect(rows.map((r) => [r[1], r[2]])).toEqual([["1", "o2"]]);
  });

  it("handles a UTF-8 BOM, quoted commas and newlines inside names", async () => {
    const text = await run(
      `\uFEFF${ORGS}`,
      '\uFEFFid,name,parentId,psaId\nm1,"Zephyr Dental Services, Inc.",,\n"m2","Acme\nCorporation",,\n',
    );
    const rows = parse(text, { from_line: 2 }) as string[][];
    expect(rows.find((r) => r[0] === "m1")?.[2]).toBe("o2");
    expect(rows.find((r) => r[0] === "m2")?.[2]).toBe("o1");
  });

  it("uses psaId and lets a site follow its parent's accepted target", async () => {
    const orgs = "id,name,psaId\no1,Acme Corporation,4711\no2,Zephyr Dental Services,\n";
    const text = await run(orgs, "id,name,parentId,psaId\ns1,Warehouse,m1,\nm1,Front Desk,,4711\n");
    const rows = parse(text, { from_line: 2 }) as string[][];
    expect(rows.find((r) => r[0] === "m1")?.[2]).toBe("o1");
    const site = rows.find((r) => r[0] === "s1");
    expect(site?.[2]).toBe("o1");
    expect(site?.[5]).toContain("its parent is mapped to Acme Corporation");
  });

  it("names the file and line of a malformed record", async () => {
    const paths = await files(ORGS, 'id,name\nm1,Acme\nm2,"Broken\nm3,Other\n');
    await expect(runMatchCommand(paths, new Writable({ write: (_c, _e, d) => d() }))).rejects.toThrow(
      new RegExp(`${paths.moduleOrganizationsPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: line \\d+`),
    );
    const wrongColumns = await files("id,name\no1,Acme\no2,Two,extra\n", "id,name\nm1,Acme\n");
    await expect(runMatchCommand(wrongColumns, new Writable({ write: (_c, _e, d) => d() }))).rejects.toThrow(
      /orgs\.csv: line 3/,
    );
  });

  it("rejects a missing column or an empty id with the line number", async () => {
    const noName = await files("id,title\no1,Acme\n", "id,name\nm1,Acme\n");
    await expect(runMatchCommand(noName, new Writable({ write: (_c, _e, d) => d() }))).rejects.toThrow(
      /orgs\.csv: line 1: missing column 'name'/,
    );
    const emptyId = await files(ORGS, "id,name\nm1,Acme\n,Nameless\n");
    await expect(runMatchCommand(emptyId, new Writable({ write: (_c, _e, d) => d() }))).rejects.toThrow(
      /mods\.csv: line 3: empty 'id'/,
    );
  });

  it("answers the same over worker threads as in one thread, in the input's order, sites after parents", async () => {
    const orgs = `id,name,psaId\no1,Acme Corporation,4711\no2,Zephyr Dental Services,\no3,Quillon Marina,\n`;
    const names = [
      "ACME Inc.",
      "Zephyr Dental",
      "Quillon Marina LLC",
      "Northwind Traders",
      "Zephr Dental Svcs",
    ];
    const lines = Array.from({ length: 40 }, (_, i) => `m${i},${names[i % names.length]},,`);
    lines.push("s1,Warehouse,p1,", "p1,Front Desk,,4711");
    const modules = `id,name,parentId,psaId\n${lines.join("\n")}\n`;
    const one = await run(orgs, modules, 3, { workers: 1 });
    const two = await run(orgs, modules, 3, { workers: 2, parallelFrom: 10 });
    expect(two).toBe(one);
    const rows = parse(two, { from_line: 2 }) as string[][];
    expect(rows.find((r) => r[0] === "s1")?.[5]).toContain("its parent is mapped to Acme Corporation");
    expect(
      rows
        .map((r) => r[0])
        .filter((id, i, all) => all.indexOf(id) === i)
        .slice(0, 3),
    ).toEqual(["m0", "m1", "m2"]);
    // Module organizations of the same name (answered once) each get the rows under their own id.
    const of = (id: string) => rows.filter((r) => r[0] === id).map((r) => r.slice(1));
    expect(of("m0").length).toBeGreaterThan(0);
    for (const id of ["m5", "m10", "m35"]) expect(of(id)).toEqual(of("m0"));
    expect(of("m6")).toEqual(of("m1"));
  });
});
