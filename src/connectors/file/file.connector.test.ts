import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectAll, collectFailure, reasons } from "../connector-test-support.ts";
import { createFileConnector } from "./file.connector.ts";
import { fileSettingsSchema } from "./file.settings.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "orgmap-file-connector-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileConnector(name: string, content: string, settings: Record<string, unknown> = {}) {
  const path = join(dir, name);
  await writeFile(path, content, "utf8");
  return createFileConnector(fileSettingsSchema.parse({ path, ...settings }), dir);
}

describe("file connector, CSV", () => {
  it("reads a BOM, quoted fields, parents and extra columns", async () => {
    const csv = [
      "\uFEFFexternalId,name,parentExternalId,region",
      'g-1,"Acme, Inc.",,West',
      'g-2,"The ""Quoted"" Company",g-1,',
      'g-3,"Two\nLines",g-1,East',
    ].join("\r\n");
    const result = await collectAll(await fileConnector("orgs.csv", csv));
    expect(result.rejected).toEqual([]);
    expect(result.records).toEqual([
      { externalId: "g-1", name: "Acme, Inc.", parentExternalId: null, attributes: { region: "West" } },
      { externalId: "g-2", name: 'The "Quoted" Company', parentExternalId: "g-1", attributes: {} },
      { externalId: "g-3", name: "Two Lines", parentExternalId: "g-1", attributes: { region: "East" } },
    ]);
  });

  it("rejects bad rows with their line numbers and keeps the good ones", async () => {
    const csv = [
      "externalId,name,parentExternalId",
      "a,Alpha,",
      ",No Id,",
      "b,   ,",
      "a,Alpha Again,",
      `c,${"x".repeat(10_000)},`,
      "d,Delta,d",
      "e,Too,many,columns",
      "f,Foxtrot,",
    ].join("\n");
    const result = await collectAll(await fileConnector("bad.csv", csv));
    expect(result.records.map((r) => r.externalId)).toEqual(["a", "f"]);
    expect(reasons(result.rejected)).toEqual([
      "line 3: externalId empty",
      "line 4: name empty",
      "line 5: duplicate id: the same id appeared earlier in this sync",
      "line 6: name longer than 500 characters",
      "line 7: parentExternalId is the row's own id",
      expect.stringMatching(/^line 8: .*column/i),
    ]);
    expect(JSON.stringify(result.rejected[3]?.raw).length).toBeLessThan(2_200);
  });

  it("reads a semicolon-separated export", async () => {
    const csv = "externalId;name\n1;Acme; Inc\n".replace("Acme; Inc", '"Acme; Inc"');
    const result = await collectAll(await fileConnector("semi.csv", csv, { delimiter: ";" }));
    expect(result.records.map((r) => r.name)).toEqual(["Acme; Inc"]);
  });

  it("yields large files in pages of 1000", async () => {
    const lines = ["externalId,name", ...Array.from({ length: 2_500 }, (_, i) => `id-${i},Org ${i}`)];
    const result = await collectAll(await fileConnector("big.csv", lines.join("\n")));
    expect(result.records).toHaveLength(2_500);
    expect(result.pages.map((p) => p.records.length)).toEqual([1_000, 1_000, 500]);
  });

  it("fails clearly when the header lacks the required columns", async () => {
    const { error } = await collectFailure(await fileConnector("nohead.csv", "id,title\n1,Acme\n"));
    expect(error.message).toContain("must name the columns externalId and name (found: id, title)");
  });

  it("fails clearly when the file does not exist", async () => {
    const connector = createFileConnector(fileSettingsSchema.parse({ path: join(dir, "missing.csv") }), dir);
    const { error } = await collectFailure(connector);
    expect(error.message).toMatch(/cannot read .*missing\.csv: no such file/);
  });

  it("reads an empty file (header only) as one empty page", async () => {
    const result = await collectAll(await fileConnector("empty.csv", "externalId,name\n"));
    expect(result.pages).toEqual([{ records: [], rejected: [] }]);
  });
});

describe("file connector, JSON", () => {
  it("reads an array of objects, with numeric ids and extra fields", async () => {
    const json = JSON.stringify([
      { externalId: 1, name: " Acme ", tier: "gold", seats: 12 },
      { externalId: "2", name: "Beta", parentExternalId: 1 },
      { name: "No id" },
      "not an object",
      { externalId: 1, name: "Acme twice" },
    ]);
    const result = await collectAll(await fileConnector("orgs.json", json));
    expect(result.records).toEqual([
      { externalId: "1", name: "Acme", parentExternalId: null, attributes: { tier: "gold", seats: 12 } },
      { externalId: "2", name: "Beta", parentExternalId: "1", attributes: {} },
    ]);
    expect(reasons(result.rejected)).toEqual([
      "item 3: externalId missing",
      "item 4: not an object",
      "item 5: duplicate id: the same id appeared earlier in this sync",
    ]);
  });

  it("honours an explicit format over the extension", async () => {
    const result = await collectAll(
      await fileConnector("orgs.txt", '[{"externalId":"x","name":"X"}]', { format: "json" }),
    );
    expect(result.records.map((r) => r.externalId)).toEqual(["x"]);
  });

  it("fails clearly on invalid JSON and on a non-array", async () => {
    expect((await collectFailure(await fileConnector("broken.json", "[{"))).error.message).toContain(
      "is not valid JSON",
    );
    expect((await collectFailure(await fileConnector("object.json", "{}"))).error.message).toContain(
      "must hold a JSON array",
    );
  });
});
