import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ledgerInputs } from "../../domain/billing/usage-read.ts";
import {
  fileUsageSettingsSchema,
  parseUsageCsv,
  parseUsageJson,
  readFileUsage,
  UsageFileError,
} from "./file-usage.ts";

const reasons = (parsed: { rejected: { reason: string }[] }) => parsed.rejected.map((r) => r.reason);

describe("usage CSV", () => {
  it("reads externalId, billingType and quantity, in any column order and case, BOM and quotes allowed", () => {
    const parsed = parseUsageCsv(
      '\uFEFFQuantity,BillingType,ExternalID\n12,Protected mailboxes,g-100\n3,"Users",g-101\n0,users,"g,102"\n',
    );
    expect(parsed.readings).toEqual([
      { externalId: "g-100", billingType: "protected_mailboxes", quantity: 12 },
      { externalId: "g-101", billingType: "users", quantity: 3 },
      { externalId: "g,102", billingType: "users", quantity: 0 },
    ]);
    expect(parsed.rejected).toEqual([]);
  });

  it("takes the delimiter of European spreadsheets", () => {
    expect(parseUsageCsv("externalId;billingType;quantity\np-1;Users;7\n", ";").readings).toEqual([
      { externalId: "p-1", billingType: "users", quantity: 7 },
    ]);
  });

  it("rejects each unusable line with its line number and the reason in words, and reads the rest", () => {
    const parsed = parseUsageCsv(
      [
        "externalId,billingType,quantity",
        "g-1,Users,5",
        ",Users,5",
        "g-2,,5",
        "g-3, - ,5",
        "g-4,Users,",
        "g-5,Users,-2",
        "g-6,Users,2.5",
        "g-7,Users,lots",
        "g-1,USERS,6",
        "g-8,Users",
        "g-9,Users,9",
      ].join("\n"),
    );
    expect(parsed.readings.map((r) => r.externalId)).toEqual(["g-1", "g-9"]);
    expect(reasons(parsed)).toEqual([
      "line 3: externalId empty",
      "line 4: billingType missing",
      'line 5: billingType " - " is not a usable name (letters or digits, at most 64)',
      'line 6: quantity "" is not a number',
      "line 7: quantity -2 is negative",
      "line 8: quantity 2.5 is not a whole number",
      'line 9: quantity "lots" is not a number',
      "line 10: g-1 / users was already given on line 2; the first is kept",
      "line 11: quantity missing",
    ]);
  });

  it("refuses a file without the three columns, naming what is missing", () => {
    expect(() => parseUsageCsv("externalId,name\nx,y\n")).toThrow(
      "the header must name the columns externalId, billingType and quantity (missing: billingType, quantity; found: externalId, name)",
    );
    expect(() => parseUsageCsv('externalId,billingType,quantity\n"broken,Users,1\n')).toThrow(UsageFileError);
  });
});

describe("usage JSON", () => {
  it("reads an array of rows, numbers or strings, and rejects items that are no object", () => {
    const parsed = parseUsageJson(
      JSON.stringify([
        { externalId: 42, billingType: "Users", quantity: "3" },
        "junk",
        { externalId: "b-1", billingType: "Users", quantity: 1.5 },
      ]),
    );
    expect(parsed.readings).toEqual([{ externalId: "42", billingType: "users", quantity: 3 }]);
    expect(reasons(parsed)).toEqual(["item 2: not an object", "item 3: quantity 1.5 is not a whole number"]);
  });

  it("refuses what is not a JSON array", () => {
    expect(() => parseUsageJson("{}")).toThrow("the file must hold a JSON array of usage rows");
    expect(() => parseUsageJson("[{")).toThrow(/not valid JSON/);
  });
});

describe("usage file read", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "orgmap-usage-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a CSV file, and a JSON file by its extension", async () => {
    await writeFile(join(dir, "usage.csv"), "externalId,billingType,quantity\ng-1,Users,4\n");
    await writeFile(
      join(dir, "usage.json"),
      JSON.stringify([{ externalId: "g-1", billingType: "Users", quantity: 5 }]),
    );
    const csv = await readFileUsage(fileUsageSettingsSchema.parse({ path: join(dir, "usage.csv") }), dir);
    const json = await readFileUsage(fileUsageSettingsSchema.parse({ path: join(dir, "usage.json") }), dir);
    expect(csv).toMatchObject({ kind: "complete", readings: [{ quantity: 4 }], requestCount: 0 });
    expect(json).toMatchObject({ kind: "complete", readings: [{ quantity: 5 }] });
  });

  it("turns a missing or unreadable file into a failed read: its usage unknown, never 0", async () => {
    const missing = await readFileUsage(fileUsageSettingsSchema.parse({ path: join(dir, "nope.csv") }), dir);
    const why = `file: cannot read ${join(dir, "nope.csv")}: no such file`;
    expect(missing).toEqual({
      kind: "failed",
      error: why,
      failure: { code: "invalid", message: why },
      requestCount: 0,
    });
    await writeFile(join(dir, "bad.csv"), "externalId,quantity\ng-1,3\n");
    const bad = await readFileUsage(fileUsageSettingsSchema.parse({ path: join(dir, "bad.csv") }), dir);
    expect(bad.kind).toBe("failed");
    const { inputs } = ledgerInputs(bad, [{ externalId: "g-1", billingTypes: ["users"] }], new Date());
    expect(inputs[0]?.reading).toMatchObject({ quantity: null, reason: "failed" });
  });

  it("reads only inside the import folder, and never quotes a file's text (issue 11 point 3)", async () => {
    const folder = join(dir, "import");
    await mkdir(folder);
    await writeFile(join(dir, "secret.key"), "TOPSECRET\n");
    const outside = await readFileUsage(
      fileUsageSettingsSchema.parse({ path: join(dir, "secret.key") }),
      folder,
    );
    expect(outside).toMatchObject({
      kind: "failed",
      error: expect.stringMatching(/outside the import folder/),
    });
    await writeFile(join(folder, "broken.json"), '{"TOPSECRET": ');
    const broken = await readFileUsage(fileUsageSettingsSchema.parse({ path: "broken.json" }), folder);
    expect(broken.kind).toBe("failed");
    expect(JSON.stringify(broken)).not.toContain("TOPSECRET");
  });
});
