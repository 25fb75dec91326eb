import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastCsvRecords } from "./match.csv.ts";

/** What `orgmap match` asked csv-parse for before the fast path (and still does when it answers null). */
function reference(text: Buffer): Array<Record<string, string>> | "error" {
  try {
    return parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      trim: false,
    }) as Array<Record<string, string>>;
  } catch {
    return "error";
  }
}

/** The fast path gives csv-parse's records, keys in the same order, or leaves the file to csv-parse. */
function agrees(input: string | Buffer): { fast: boolean } {
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  const expected = reference(bytes);
  const fast = fastCsvRecords(bytes);
  if (fast === null) return { fast: false };
  expect(expected).not.toBe("error");
  expect(fast).toEqual(expected);
  fast.forEach((record, i) => {
    expect(Object.keys(record)).toEqual(Object.keys((expected as Array<Record<string, string>>)[i] ?? {}));
  });
  return { fast: true };
}

describe("fastCsvRecords", () => {
  it("reads plain files by hand, as csv-parse does", () => {
    const plain = [
      "id,name\nm1,Acme Inc.\nm2,Zephyr Dental\n",
      "id,name\nm1,Acme Inc.\nm2,Zephyr Dental", // no final line break
      "\uFEFFid,name\nm1,Acme\n", // BOM
      " id , name \nm1, spaced name \n", // header names trimmed, values not
      "id,name\n\nm1,Acme\n\n\nm2,B\n", // empty lines
      "\n\nid,name\nm1,Acme\n", // empty lines before the header
      "id,name\r\nm1,Acme\r\n\r\nm2,B\r\n", // CRLF throughout
      "id,name,parentId,psaId\nm1,Acme,,\nm2,Acme,m1,4711\n",
      "id,name\nm1,ünïcödé „quotes“ ß\n",
      "id,name\nm1,tab\there\n",
      "id,name\n",
      "",
      "id,name\nm1,\n", // an empty value (refused later by the command, not here)
      "id,constructor\nm1,x\n",
    ];
    for (const text of plain) expect(agrees(text)).toEqual({ fast: true });
  });

  it("hands quoted records to csv-parse, one at a time", () => {
    const quoted = [
      'id,name,parentId,psaId\nm1,"Zephyr Dental Services, Inc.",,\n"m2","Acme\nCorporation",,\n',
      'id,name\nm1,"O""Donnell, ""Main"""\nm2,plain\n',
      '"id","name"\n"m1","Acme"\n',
      'id,name\r\nm1,"Acme\r\nCorp"\r\nm2,B\r\n',
      'id,name\nm1,""\n',
      'id,name\nm1,"a\n\nb"\nm2,c',
    ];
    for (const text of quoted) expect(agrees(text)).toEqual({ fast: true });
  });

  it("leaves to csv-parse what it would refuse or read otherwise", () => {
    const others = [
      'id,name\nm1,Ac"me\n', // a quote inside an unquoted field: csv-parse's error
      'id,name\nm1,"Acme"x\n', // text after a closing quote
      'id,name\nm1,"Acme\n', // quote never closed
      "id,name\nm1\n", // too few fields
      "id,name\nm1,a,b\n", // too many
      "id,name\rm1,Acme\r", // CR line ends
      "id,name\nm1,a\rb\n", // a carriage return inside a field
      "id,name\r\nm1,a\nb\r\n", // mixed line ends
      "id,id\nm1,m2\n", // a repeated header name
      "id,,name\nm1,x,y\n", // an empty header name
      "id,name\n \n", // a line of blanks is a record of one field
    ];
    for (const text of others) expect(agrees(text)).toEqual({ fast: false });
    expect(
      agrees(Buffer.concat([Buffer.from("id,name\nm1,"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")])),
    ).toEqual({ fast: false });
    expect(agrees(Buffer.from("\uFEFFid,name\nm1,x\n", "utf16le"))).toEqual({ fast: false });
  });

  it("agrees with csv-parse on made-up files of awkward characters", () => {
    const cell = fc.stringMatching(/^[a-c ,"\r\n\t]{0,6}$/);
    const file = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 6 });
    fc.assert(
      fc.property(file, fc.constantFrom("\n", "\r\n"), (rows, lineEnd) => {
        const text = rows.map((r) => r.join(",")).join(lineEnd);
        agrees(`id,name${lineEnd}${text}`);
        agrees(text);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });
});
