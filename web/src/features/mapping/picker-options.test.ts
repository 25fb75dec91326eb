import { describe, expect, it } from "vitest";
import { firstPreselected } from "../common/combobox.tsx";
import { nameSimilarity, normalizeName, type RankEntry, rankOptions } from "./picker-options.ts";

function entry(name: string, isSuggested = false): RankEntry<string> {
  return { name, isSuggested, option: { id: name, label: name, value: name } };
}

const labels = (options: { label: string }[]) => options.map((o) => o.label);

/** Issue 13 point 2: exact and prefix matches first, then suggestions, then by similarity; Enter never maps a guess. */
describe("rankOptions", () => {
  it("puts the exact match first and pre-selects it, even when the server listed it third", () => {
    const ranked = rankOptions(
      [entry("Acme Foods Clinic - HQ"), entry("Acme Foods Clinic - East"), entry("Acme Foods Clinic")],
      { search: "acme foods clinic", rowName: "Acme Foods Clinic" },
    );
    expect(labels(ranked)).toEqual([
      "Acme Foods Clinic",
      "Acme Foods Clinic - HQ",
      "Acme Foods Clinic - East",
    ]);
    expect(firstPreselected(ranked)).toBe(0);
  });

  it("pre-selects nothing when there is neither an exact match nor a suggestion", () => {
    const ranked = rankOptions([entry("Brookside Capital Associates LLC"), entry("Capital Dental")], {
      search: "capital",
      rowName: "Acme Capital",
    });
    // "Capital Dental" starts with the search: it comes first, but is not chosen for the person.
    expect(labels(ranked)).toEqual(["Capital Dental", "Brookside Capital Associates LLC"]);
    expect(firstPreselected(ranked)).toBe(-1);
  });

  it("without a search: suggestions first (pre-selected), then the rest by similarity to the row", () => {
    const ranked = rankOptions(
      [entry("Zebra Logistics"), entry("Acme Corp NY"), entry("Acme Corporation", true), entry("Acme Corp")],
      { search: "", rowName: "Acme Corp" },
    );
    expect(labels(ranked)).toEqual(["Acme Corporation", "Acme Corp", "Acme Corp NY", "Zebra Logistics"]);
    expect(firstPreselected(ranked)).toBe(0);
  });

  it("an exact match outranks a suggestion; prefix matches come before suggestions", () => {
    const ranked = rankOptions([entry("Acme Holdings", true), entry("Acme"), entry("Acme Labs")], {
      search: "Acme",
      rowName: "",
    });
    expect(labels(ranked)).toEqual(["Acme", "Acme Holdings", "Acme Labs"]);
  });

  it("compares names without case, accents or punctuation", () => {
    expect(normalizeName("  Café-Müller, Inc. ")).toBe("cafe muller inc");
    expect(nameSimilarity("Acme Capital", "acme capital")).toBe(1);
    expect(nameSimilarity("Acme Capital", "Acme Capitl")).toBeGreaterThan(
      nameSimilarity("Acme Capital", "Brookside"),
    );
    expect(nameSimilarity("", "x")).toBe(0);
  });
});
