import { describe, expect, it } from "vitest";
import { soundKey } from "./phonetic.ts";

describe("soundKey", () => {
  it.each([
    ["philips", "filips"],
    ["phillips", "philips"],
    ["electronic", "ehlektronik"],
    ["koninklijke", "koninklejke"],
    ["alcatel", "alkatel"],
    ["schlumberger", "shljumberger"],
    ["technology", "teknolodzhi"],
    ["unilever", "uniliver"],
    ["braskem", "brasskem"],
  ])("gives %s and %s the same key", (a, b) => {
    expect(soundKey(a)).not.toBe("");
    expect(soundKey(a)).toBe(soundKey(b));
  });

  it.each([
    ["fabrikam", "fabrikma"],
    ["electronic", "electric"],
    ["philips", "phelps"],
  ])("keeps %s and %s apart", (a, b) => {
    expect(soundKey(a)).not.toBe(soundKey(b));
  });

  it("has no key for short, vague or non-letter words", () => {
    expect(soundKey("abb")).toBe("");
    expect(soundKey("aaaa")).toBe("");
    expect(soundKey("3com")).toBe("");
  });
});
