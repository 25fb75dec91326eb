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

/** The full optimal-string-alignment table, for comparison. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      let v = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  return (d[a.length] as number[])[b.length] as number;
}

describe("editDistanceWithin", () => {
  it("agrees with the full table up to the bound, and says more than the bound beyond it", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = (n: number) => Array.from({ length: n }, () => "abcde"[Math.floor(random() * 5)]).join("");
    for (let k = 0; k < 4000; k++) {
      const a = word(Math.floor(random() * 12));
      // Often a few edits of a, sometimes another word.
      let b = random() < 0.3 ? word(Math.floor(random() * 12)) : a;
      for (let e = Math.floor(random() * 4); e > 0; e--) {
        const at = Math.floor(random() * (b.length + 1));
        const op = random();
        if (op < 0.33) b = b.slice(0, at) + word(1) + b.slice(at);
        else if (op < 0.66) b = b.slice(0, at) + b.slice(at + 1);
        else if (at + 1 < b.length) b = b.slice(0, at) + b[at + 1] + b[at] + b.slice(at + 2);
      }
      const full = fullDistance(a, b);
      for (const max of [0, 1, 2, 3]) {
        const bounded = editDistanceWithin(a, b, max);
        if (full <= max) expect(bounded, `${a} / ${b} within ${max}`).toBe(full);
        else expect(bounded, `${a} / ${b} within ${max}`).toBe(max + 1);
      }
    }
  });
});
