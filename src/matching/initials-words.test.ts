import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest } from "./engine.ts";
import { spelledBy } from "./initials-run.ts";
import { normalizeName } from "./normalize.ts";
import { compareNames } from "./scorer.ts";
import { softDice } from "./similarity.ts";

// Made-up names: a word that stands for a run of the other name's words, and joining words.
const one = () => 1;

describe("a word spelled by the first letters of a run of words", () => {
  it("reads a word as the starts of consecutive words, each giving at least a letter", () => {
    expect(spelledBy("nm", ["quillon", "national", "monument"], 1, 2)).toBe(true);
    expect(spelledBy("npre", ["n", "preserve"], 0, 2)).toBe(true);
    expect(spelledBy("nbp", ["nb", "park"], 0, 2)).toBe(true);
    expect(spelledBy("nhs", ["national", "historic", "site"], 0, 3)).toBe(true);
    expect(spelledBy("nx", ["national", "monument"], 0, 2)).toBe(false);
    // Every word of the run must give a letter: "nm" is not spelled by three words.
    expect(spelledBy("nm", ["national", "monument", "park"], 0, 3)).toBe(false);
  });

  it("pairs the word with the run in either direction and counts every word of the run as paired", () => {
    const forward = softDice(["ferrowood", "nhs"], ["ferrowood", "national", "historic", "site"], one);
    expect(forward.pairs.map((p) => [p.query, p.target, p.kind])).toEqual([
      ["ferrowood", "ferrowood", "same"],
      ["nhs", "national historic site", "initials"],
    ]);
    expect([forward.queryPaired, forward.targetPaired]).toEqual([2, 4]);
    const backward = softDice(["ferrowood", "n", "mem"], ["ferrowood", "nm"], one);
    expect(backward.pairs.map((p) => p.kind)).toEqual(["same", "initials"]);
    expect([backward.queryPaired, backward.targetPaired]).toEqual([3, 2]);
  });

  it("lets a run start with a word already paired ('NPres' / 'NP & Preserve'), counting that word once", () => {
    const dice = softDice(["tarnby", "bay", "np", "preserve"], ["tarnby", "bay", "np", "npres"], one);
    expect(dice.pairs.map((p) => [p.query, p.target, p.kind])).toEqual([
      ["tarnby", "tarnby", "same"],
      ["bay", "bay", "same"],
      ["np", "np", "same"],
      ["np preserve", "npres", "initials"],
    ]);
    expect([dice.queryPaired, dice.targetPaired]).toEqual([4, 4]);
    // A run of free words still comes first, and a word already paired never starts a run on its own.
    expect(softDice(["np"], ["np", "nz"], one).pairs.map((p) => p.kind)).toEqual(["same"]);
  });

  it("accepts 'Tarnby Bay NP & Preserve' for 'Tarnby Bay NP & NPRES' ahead of a park that shares 'Preserve'", () => {
    const index = buildMatchIndex({
      organizations: ["Tarnby Bay NP & NPRES", "Tarnby NP", "Salt Creek Bay & Ecological Preserve"].map(
        (name) => ({
          id: name,
          name,
        }),
      ),
    });
    expect(suggest(index, { id: "m", name: "Tarnby Bay NP & Preserve" })[0]).toMatchObject({
      organizationId: "Tarnby Bay NP & NPRES",
      accept: true,
    });
  });

  it("leaves a word alone when no run of left-over words spells it", () => {
    const dice = softDice(["ferrowood", "nhs"], ["ferrowood", "lake", "park"], one);
    expect(dice.pairs.map((p) => p.kind)).toEqual(["same"]);
    expect(dice.queryPaired).toBe(1);
  });

  it("makes 'Ferrowood NHS' a complete match of 'Ferrowood National Historic Site' and proposes it first", () => {
    const match = compareNames(
      normalizeName("Ferrowood NHS"),
      normalizeName("Ferrowood National Historic Site"),
      one,
    );
    expect(match.isComplete).toBe(true);
    const index = buildMatchIndex({
      organizations: [
        "Ferrowood National Historic Site",
        "Ferrowood Lake Park",
        "Quillon National Monument",
      ].map((name) => ({ id: name, name })),
    });
    const [first] = suggest(index, { id: "m", name: "Ferrowood NHS" });
    expect(first?.organizationId).toBe("Ferrowood National Historic Site");
    expect(first?.reasons).toContain("'NHS' reads as the first letters of 'National Historic Site'");
  });
});

describe("joining words", () => {
  it("'University of Quillon' agrees with 'Quillon University' word for word: 'of' leaves nothing unpaired", () => {
    const match = compareNames(
      normalizeName("University of Quillon, Marrowby"),
      normalizeName("Quillon University, Marrowby"),
      one,
    );
    expect(match.isComplete).toBe(true);
  });

  it("a joining word weighs little however rare it is among the names", () => {
    const index = buildMatchIndex({
      organizations: ["Quillon University", "Marrowby College", "Zephyr Institute", "Brightwater Marina"]
        .concat(Array.from({ length: 20 }, (_, i) => `Zephyr Dental ${i}`))
        .map((name) => ({ id: name, name })),
    });
    // "of" is in none of the 24 names, "quillon" in one: unlike "quillon", "of" weighs as a word in half of them.
    expect(index.words.weight("of")).toBeLessThan(index.words.weight("quillon") / 2);
    expect(index.words.weight("of")).toBeCloseTo(Math.log(3));
  });
});
