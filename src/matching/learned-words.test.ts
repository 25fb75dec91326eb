import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest } from "./engine.ts";
import { impliedEquivalences } from "./learned-words.ts";
import { normalizeName } from "./normalize.ts";

// Made-up names: what a confirmed mapping teaches about words, used for the other module organizations.
const organizations = [
  "Quillon Teachers Academy",
  "Marrowby Science Academy",
  "Marrowby Science Center",
  "Ferrowood Mountain Lodge",
  "Ferrowood Marina",
  "Zephyr Dental Group",
  "Marrowby Arts Academy",
].map((name) => ({ id: name, name }));

describe("word equivalences learned from confirmed names", () => {
  it("reads a shortening, or the one word left on each side of names that share a word", () => {
    const pairs = (a: string, b: string) => impliedEquivalences(normalizeName(a), normalizeName(b));
    expect(pairs("Quillon Teachers Acad", "Quillon Teachers Academy")).toEqual([["acad", "academy"]]);
    expect(pairs("Ferrowood Mtn Lodge", "Ferrowood Mountain Lodge")).toEqual([["mtn", "mountain"]]);
    // Nothing shared: a site's name mapped to its company says nothing about words.
    expect(pairs("Front Desk", "Zephyr Dental Group")).toEqual([]);
    // Left-over words that start differently are not the same word.
    expect(pairs("Ferrowood Harbor Lodge", "Ferrowood Mountain Lodge")).toEqual([]);
  });

  it("after 'Quillon Teachers Acad' is confirmed, 'Marrowby Acad of Science' is accepted for the Academy, with the reason", () => {
    const index = buildMatchIndex({ organizations });
    const before = suggest(index, { id: "m2", name: "Marrowby Acad of Science" });
    expect(before[0]?.organizationId).toBe("Marrowby Science Academy");
    expect(before[0]?.accept).toBe(false);
    index.addConfirmedMapping({
      moduleKey: "rmm",
      moduleOrganizationId: "m1",
      name: "Quillon Teachers Acad",
      organizationId: "Quillon Teachers Academy",
    });
    const after = suggest(index, { id: "m2", name: "Marrowby Acad of Science" });
    expect(after[0]?.organizationId).toBe("Marrowby Science Academy");
    expect(after[0]?.score).toBeGreaterThan(before[0]?.score ?? 1);
    expect(after[0]?.accept).toBe(true);
    expect(after[0]?.reasons).toContain("'Acad' stands for 'Academy' in mappings users confirmed");
    // Unmapping forgets what that mapping taught.
    index.removeConfirmedMapping("rmm", "m1");
    expect(suggest(index, { id: "m2", name: "Marrowby Acad of Science" })[0]?.accept).toBe(false);
  });

  it("an alias teaches too, both ways", () => {
    const index = buildMatchIndex({
      organizations,
      aliases: [{ name: "Ferrowood Mtn Lodge", organizationId: "Ferrowood Mountain Lodge" }],
    });
    expect(index.learned.has("mtn", "mountain")).toBe(true);
    expect(index.learned.has("mountain", "mtn")).toBe(true);
    const [lodge] = suggest(index, { id: "m4", name: "Ferrowood Mtn Lodge North" });
    expect(lodge?.organizationId).toBe("Ferrowood Mountain Lodge");
  });

  it("learns initials as the word and its run: 'NM' confirmed for 'National Monument' counts in full elsewhere", () => {
    const pairs = impliedEquivalences(
      normalizeName("Quillon NM"),
      normalizeName("Quillon National Monument"),
    );
    expect(pairs).toEqual([["nm", "national monument"]]);
    const monuments = ["Quillon National Monument", "Ferrowood National Monument", "Ferrowood Lake Park"];
    const index = buildMatchIndex({ organizations: monuments.map((name) => ({ id: name, name })) });
    const before = suggest(index, { id: "m2", name: "Ferrowood NM" })[0];
    index.addAlias({ name: "Quillon NM", organizationId: "Quillon National Monument" });
    const after = suggest(index, { id: "m2", name: "Ferrowood NM" })[0];
    expect(after?.organizationId).toBe("Ferrowood National Monument");
    expect(after?.score).toBeGreaterThan(before?.score ?? 1);
    expect(after?.reasons).toContain("'NM' stands for 'National Monument' in mappings users confirmed");
  });
});
