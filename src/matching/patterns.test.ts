import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest } from "./engine.ts";
import { splitLike } from "./resegment.ts";
import { tokenSimilarity } from "./similarity.ts";

// Issue 12's patterns, each with made-up names among made-up neighbours that share common words.
const neighbours = [
  "Springfield Dental Group",
  "Springfield Public Library",
  "Public Schools Foundation",
  "Brightwater Marina",
  "Harbor Plumbing Services",
  "Teachers Credit Union",
  "Garfield Auto Repair",
];
const orgs = (...names: string[]) => [...neighbours, ...names].map((name) => ({ id: name, name }));
const best = (names: string[], query: string) =>
  suggest(buildMatchIndex({ organizations: orgs(...names) }), { id: "m", name: query });

describe("pattern 1: the organization's whole name inside a longer module name", () => {
  it("proposes the organization whose rare name the module name holds, not the one sharing 'Springfield'", () => {
    const [first] = best(["Quillon Tutoring"], "Springfield Public Schools Quillon Tutoring Main, Mary T.");
    expect(first?.organizationId).toBe("Quillon Tutoring");
  });
});

describe("pattern 2: spacing and case inside words", () => {
  it("splits a word the other name writes as two, both ways", () => {
    const words = (tokens: string[]) => ({ tokens, sounds: tokens.map(() => "") });
    expect(splitLike(words(["depriest", "plumbing"]), words(["de", "priest", "plumbing"])).tokens).toEqual([
      "de",
      "priest",
      "plumbing",
    ]);
    // The last piece may be cut short: "zorvapharm" is "zorva" + the start of "pharmaceutical".
    expect(splitLike(words(["zorvapharm"]), words(["zorva", "pharmaceutical"])).tokens).toEqual([
      "zorva",
      "pharm",
    ]);
    // Nothing to split: the same object comes back.
    const same = words(["harbor", "plumbing"]);
    expect(splitLike(same, words(["harbor", "plumbing"]))).toBe(same);
  });

  it("finds 'DePriest Plumbing Springfield' for 'De Priest Plumbing' and 'FirstChoice' for 'First Choice'", () => {
    expect(best(["De Priest Plumbing"], "DePriest Plumbing Springfield")[0]?.organizationId).toBe(
      "De Priest Plumbing",
    );
    expect(best(["First Choice Tutors of Garfield"], "FirstChoice Tutors")[0]?.organizationId).toBe(
      "First Choice Tutors of Garfield",
    );
  });
});

describe("pattern 3: a cut-off word no list holds", () => {
  it("reads a word of 3 letters or more as the start of a longer one, weaker than a typo", () => {
    expect(tokenSimilarity("phil", "philharmonic")).toBeGreaterThan(0);
    expect(tokenSimilarity("phil", "philharmonic")).toBeLessThan(
      tokenSimilarity("philharmonik", "philharmonic"),
    );
    expect(tokenSimilarity("ph", "philharmonic")).toBe(0);
  });

  it("proposes 'Brightwater Philharmonic' for 'Brightwater Phil.' ahead of the marina, without accepting", () => {
    const [first] = best(["Brightwater Philharmonic"], "Brightwater Phil.");
    expect(first?.organizationId).toBe("Brightwater Philharmonic");
    expect(first?.accept).toBe(false);
  });
});

describe("pattern 6: several organizations with the same name", () => {
  it("offers every namesake together beyond the top, each with its PSA id", () => {
    const organizations = [
      ...orgs(),
      ...["101", "102", "103", "104"].map((psaId) => ({
        id: `site-${psaId}`,
        psaId,
        name: "Quillon Learning Center",
      })),
    ];
    const candidates = suggest(
      buildMatchIndex({ organizations }),
      { id: "m", name: "Quillon Learning Ctr" },
      { top: 3 },
    );
    expect(candidates.map((c) => c.organizationId).sort()).toEqual([
      "site-101",
      "site-102",
      "site-103",
      "site-104",
    ]);
    expect(candidates.some((c) => c.accept)).toBe(false);
    expect(candidates[0]?.reasons).toContain(
      "one of 4 organizations named 'Quillon Learning Center' (PSA id 101)",
    );
  });
});

describe("pattern 4: acronyms with their expansion", () => {
  it("reads leading initials as the first words, and compares the others as words", () => {
    const candidates = best(
      ["Northern Lakes University - Ellis Head Start", "Northern Lakes University - Garfield Campus"],
      "NLU - Ellis HS",
    );
    expect(candidates[0]?.organizationId).toBe("Northern Lakes University - Ellis Head Start");
    // Every word is accounted for ("HS" reads as "Head Start"), so it may be accepted: never its sibling.
    expect(candidates.slice(1).every((c) => !c.accept)).toBe(true);
    expect(candidates[0]?.reasons.join(" ")).toMatch(
      /'NLU' is the initials of .* in 'Northern Lakes University - Ellis Head Start'/,
    );
    const [dotted] = best(["Quillon Teachers Academy"], "Q.T.A. (Quillon Teachers Academy)");
    // Two organizations whose words spell the same initials: neither is accepted.
    const twins = best(
      ["Northern Lakes University - Ellis Head Start", "Northern Lakes Union - Ellis Head Start"],
      "NLU - Ellis HS",
    );
    expect(twins.some((c) => c.accept)).toBe(false);
    expect(dotted?.organizationId).toBe("Quillon Teachers Academy");
  });
});

describe("pattern 5: a parent's name as a prefix, the site telling sites apart", () => {
  it("ranks the site the module name ends with first among the parent's sites", () => {
    const sites = ["Garfield Head Start Center", "Lincoln Head Start Center", "Hoover Head Start Center"];
    const candidates = best(
      ["YWCA of Metropolitan Quillon", ...sites.map((site) => `YWCA of Metropolitan Quillon - ${site}`)],
      "YWCA of Metropolitan Quillon Lincoln",
    );
    expect(candidates[0]?.organizationId).toBe("YWCA of Metropolitan Quillon - Lincoln Head Start Center");
  });
});
