import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest } from "./engine.ts";
import { GramIndex } from "./gram-index.ts";

const fillers = [
  "Northwind Traders",
  "Tailspin Toys",
  "Wingtip Outfitters",
  "Litware Pharmacy",
  "Quill Bakery",
];

describe("GramIndex: candidates that share letters, not words", () => {
  it("finds a name written as one word, and forgets a removed one", () => {
    const grams = new GramIndex();
    const names = [...fillers, "quillbrook pharmaceutical"];
    for (const [slot, name] of names.entries()) grams.add(slot, name);
    expect(grams.nearest("quillbrookpharma", 2)).toContain(5);
    grams.remove(5, "quillbrook pharmaceutical");
    expect(grams.nearest("quillbrookpharma", 2)).not.toContain(5);
  });

  it("makes the engine propose an organization whose words the module name runs together", () => {
    const organizations = [...fillers, "Quillbrook Pharmaceuticals Inc."].map((name, i) => ({
      id: `o${i}`,
      name,
    }));
    const index = buildMatchIndex({ organizations });
    const ids = suggest(index, { id: "m", name: "QuillbrookPharmaceuticals" }).map((c) => c.organizationId);
    expect(ids[0]).toBe("o5");
  });
});
