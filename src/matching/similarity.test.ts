import { describe, expect, it } from "vitest";
import { soundKey } from "./phonetic.ts";
import { editDistanceWithin, SOUND_SIMILARITY, softDice, tokenSimilarity } from "./similarity.ts";

describe("similarity", () => {
  it("bounds the edit distance and counts a transposition as one edit", () => {
    expect(editDistanceWithin("alstom", "alsotm", 1)).toBe(1);
    expect(editDistanceWithin("kitten", "sitting", 1)).toBe(2);
    expect(editDistanceWithin("same", "same", 0)).toBe(0);
  });

  it("reads typos and prefixes as partly similar, short words only when equal", () => {
    expect(tokenSimilarity("zephyr", "zephr")).toBe(0.9);
    expect(tokenSimilarity("microelec", "microelectronic")).toBe(0.75);
    expect(tokenSimilarity("abc", "abd")).toBe(0);
  });

  it("counts a joining word left over on either side as paired", () => {
    const dice = softDice(["quillon", "university"], ["university", "of", "quillon"], () => 1);
    expect([dice.queryPaired, dice.targetPaired]).toEqual([2, 3]);
    const other = softDice(["university", "of", "quillon"], ["quillon", "university"], () => 1);
    expect([other.queryPaired, other.targetPaired]).toEqual([3, 2]);
  });

  it("weighs rare words over common ones", () => {
    const weight = (t: string) => (t === "service" ? 1 : 10);
    const rareShared = softDice(["zephyr", "service"], ["zephyr", "dental"], weight).score;
    const commonShared = softDice(["zephyr", "service"], ["bright", "service"], weight).score;
    expect(rareShared).toBeGreaterThan(commonShared);
  });

  it("pairs words that sound the same when given their sound keys, and says how it paired them", () => {
    const query = ["filip", "ehlektronik"];
    const target = ["philip", "electronic"];
    const weight = () => 1;
    const without = softDice(query, target, weight);
    const withSounds = softDice(query, target, weight, query.map(soundKey), target.map(soundKey));
    expect(without.pairs.map((p) => p.kind)).not.toContain("sound");
    expect(withSounds.pairs.map((p) => p.kind)).toEqual(["sound", "sound"]);
    expect(withSounds.score).toBeCloseTo(SOUND_SIMILARITY);
  });
});
