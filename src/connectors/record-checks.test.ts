import { describe, expect, it } from "vitest";
import { checkId, checkName, MAX_RAW_CHARS, rejection, SeenIds, safeRaw } from "./record-checks.ts";

describe("record checks", () => {
  it("trims names, turns control characters into spaces and keeps exactly 500 characters", () => {
    expect(checkName("  Acme  ")).toEqual({ ok: true, value: "Acme" });
    expect(checkName("Acme\u0000Corp\n")).toEqual({ ok: true, value: "Acme Corp" });
    expect(checkName("x".repeat(500))).toEqual({ ok: true, value: "x".repeat(500) });
    expect(checkName("x".repeat(501))).toEqual({ ok: false, reason: "name longer than 500 characters" });
    expect(checkName(undefined)).toEqual({ ok: false, reason: "name missing" });
    expect(checkName(42)).toEqual({ ok: false, reason: "name missing" });
    expect(checkName(" \t ")).toEqual({ ok: false, reason: "name empty" });
  });

  it("reads ids from strings and numbers, and refuses empty or huge ones", () => {
    expect(checkId(17)).toEqual({ ok: true, value: "17" });
    expect(checkId(" a-1 ")).toEqual({ ok: true, value: "a-1" });
    expect(checkId(Number.NaN)).toEqual({ ok: false, reason: "id missing" });
    expect(checkId("")).toEqual({ ok: false, reason: "id empty" });
    expect(checkId("i".repeat(201))).toEqual({ ok: false, reason: "id longer than 200 characters" });
  });

  it("keeps small raw records as they are, without NUL characters", () => {
    expect(safeRaw({ id: 1, name: "a\u0000b" })).toEqual({ id: 1, name: "ab" });
    expect(safeRaw(undefined)).toBe("undefined");
  });

  it("truncates a large raw record and says so", () => {
    const raw = safeRaw({ id: 1, name: "N".repeat(10_000) }) as {
      truncated: boolean;
      length: number;
      preview: string;
    };
    expect(raw.truncated).toBe(true);
    expect(raw.length).toBe(JSON.stringify({ id: 1, name: "N".repeat(10_000) }).length);
    expect(raw.preview).toHaveLength(MAX_RAW_CHARS);
    expect(rejection("why", { big: "x".repeat(5_000) }).raw).toMatchObject({ truncated: true });
  });

  it("accepts an id once per run", () => {
    const seen = new SeenIds();
    expect(seen.claim("a")).toBe(true);
    expect(seen.claim("a")).toBe(false);
    expect(seen.claim("b")).toBe(true);
    expect(seen.size).toBe(2);
  });
});
