import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GLUED_DOTTED_FORM, mayHoldDash, mayHoldGluedForm, normalizeName, tokenize } from "./normalize.ts";

/** `tokenize` as it was, all by regular expressions (the reference of its character loop). */
function tokenizeByExpressions(text: string): string[] {
  let lower = text.toLowerCase();
  if (lower.includes("&") || lower.includes("+")) lower = lower.replace(/[&+]/g, " and ");
  if (/['’`´]/.test(lower))
    lower = lower
      .replace(/s['’`´]s\b/g, "s")
      .replace(/s['’`´](?=[a-z])/g, "s ")
      .replace(/['’`´]/g, "");
  const tokens: string[] = [];
  let run = "";
  for (const piece of lower.split(/[^a-z0-9]+/)) {
    if (piece.length === 0) continue;
    if (piece.length === 1 && piece >= "a" && piece <= "z") {
      run += piece;
      continue;
    }
    if (run.length > 0) {
      tokens.push(run);
      run = "";
    }
    tokens.push(piece);
  }
  if (run.length > 0) {
    const tail = run.slice(-2);
    if (run.length >= 4 && ["nv", "bv", "sa", "ag", "ab", "as", "cv", "kg", "se", "co"].includes(tail))
      tokens.push(run.slice(0, -2), tail);
    else tokens.push(run);
  }
  return tokens;
}

const awkward = fc.stringMatching(/^[A-Za-z0-9 .,&+'`’´\-–—|()éÅß_]{0,30}$/);

describe("normalization's fast paths", () => {
  it("tokenize's character loop gives the tokens of the regular expressions", () => {
    for (const text of [
      "D S M N. V.",
      "AT&T",
      "A+B Co",
      "Philips's",
      "O'Donnell",
      "Émile & Co",
      "3M_Corp",
      "",
    ])
      expect(tokenize(text)).toEqual(tokenizeByExpressions(text));
    fc.assert(
      fc.property(awkward, (text) => {
        expect(tokenize(text)).toEqual(tokenizeByExpressions(text));
      }),
      { numRuns: 5000, seed: 7 },
    );
  });

  it("a name the glued-form check passes over holds no glued dotted form, nor a dash site", () => {
    for (const text of ["Koninklijke Philips ElectronicsN.V.", "AcmeB. V.", "MinasS.A.,", "abcA.G"])
      expect(mayHoldGluedForm(text)).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z .,NBSAVG\d]{0,20}$/), (text) => {
        if (!mayHoldGluedForm(text)) expect(GLUED_DOTTED_FORM.test(text)).toBe(false);
        if (!mayHoldDash(text)) expect(/\s+(?:[-–—|]|--)\s+/.test(text)).toBe(false);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  it("reads a word the same wherever it stands (words are read once, then remembered)", () => {
    const first = normalizeName("Intl Mfg Svcs - Intl Labs");
    const again = normalizeName("Intl Mfg Svcs - Intl Labs");
    expect(again).toEqual(first);
    expect(first.tokens).toEqual(["international", "manufacturing", "service"]);
    expect(first.siteTokens).toEqual(["international", "laboratory"]);
    expect(first.expansions).toEqual([
      ["intl", "international"],
      ["mfg", "manufacturing"],
      ["svcs", "service"],
    ]);
    expect(first.sortedKey).toBe("international manufacturing service");
    expect(normalizeName("Zeta Alpha").sortedKey).toBe("alpha zeta");
  });
});
