import { describe, expect, it } from "vitest";
import { alikeKey, buildMatchIndex, suggest, suggestAlike } from "./engine.ts";
import { normalizeName } from "./normalize.ts";

const organizations = [
  { id: "acme", psaId: "4711", name: "Acme Corporation" },
  { id: "acme2", name: "Acme Corporation" },
  { id: "zephyr", name: "Zephyr Dental Services, Inc." },
  { id: "ibm", name: "International Business Machines Corp." },
  { id: "nta", name: "NTA" },
  { id: "hoffmann", name: "Hoffmann-La Roche" },
  { id: "philips", name: "Koninklijke Philips Electronics N.V." },
  { id: "ymca", name: "YMCA of Metropolitan Springfield - Garfield Head Start Center" },
  { id: "dead", name: "Acme Dental", type: "Dead" as const },
];

/** Names that normalize alike but are written otherwise: the reasons may quote them as written. */
const names = [
  "Acme Corporation",
  "ACME CORPORATION",
  "acme corporation",
  " Acme Corporation ",
  "Acme Corporation.",
  "International Business Machines",
  "INTERNATIONAL BUSINESS MACHINES",
  "National Teachers Academy",
  "NATIONAL TEACHERS ACADEMY",
  "Hoffman LaRoche",
  "HOFFMAN LAROCHE",
  "Philips Electronics",
  "PHILIPS ELECTRONICS",
  "Zephyr Dental & Co",
  "Zephyr Dental and Co",
  "Zephyr Dental Svcs - Denver",
  "Zephyr Dental Svcs - DENVER",
  "ZEPHYR DENTAL SVCS - Denver",
  "YMCA of Metropolitan Springfield Garfield",
  "ymca of metropolitan springfield garfield",
  "Nobody Known",
  "NOBODY KNOWN",
];

describe("suggestAlike", () => {
  const index = buildMatchIndex({ organizations });

  it("answers each name exactly as suggest does, names alike ranked once", () => {
    const queries = names.map((name, i) => ({ id: `m${i}`, name }));
    const alike = suggestAlike(index, queries, { top: 3 });
    queries.forEach((query, i) => {
      expect(alike[i]).toEqual(suggest(index, query, { top: 3 }));
    });
    // Written otherwise, the same ranking: the reasons quote each name as it is written.
    expect(alikeKey(normalizeName("Acme Corporation"))).toBe(alikeKey(normalizeName("ACME CORPORATION")));
    expect(alike[0]?.[0]?.reasons[0]).toBe("same name");
    expect(alike[1]?.[0]?.reasons[0]).not.toBe("same name");
    // The initials' reason quotes the long name as the module organization writes it.
    const nta = alike[8]?.find((c) => c.organizationId === "nta");
    expect(nta?.reasons.join(" ")).toContain("'NTA' is the initials of 'NATIONAL TEACHERS ACADEMY'");
  });

  it("answers queries with a PSA id, a parent or a module on their own", () => {
    const queries = [
      { id: "m1", name: "Acme Corporation", psaId: "4711" },
      { id: "m2", name: "Acme Corporation", parentOrganizationId: "acme2" },
      { id: "m3", name: "Acme Corporation", moduleKey: "rmm" },
      { id: "m4", name: "Acme Corporation" },
    ];
    const alike = suggestAlike(index, queries, { top: 3 });
    queries.forEach((query, i) => {
      expect(alike[i]).toEqual(suggest(index, query, { top: 3 }));
    });
    expect(suggestAlike(index, queries, { top: 2, rejectedOrganizationIds: ["acme"] })).toEqual(
      queries.map((q) => suggest(index, q, { top: 2, rejectedOrganizationIds: ["acme"] })),
    );
  });

  it("keys every field of a normalized name but its text", () => {
    // A field added to NormalizedName must be in alikeKey (or follow from those that are): list it here.
    expect(Object.keys(normalizeName("The Acme & Co Intl B.V. - Denver")).sort()).toEqual(
      [
        "acronym",
        "compact",
        "expansions",
        "hadAmpersand",
        "hadLeadingThe",
        "key",
        "legalForms",
        "legalKey",
        "raw",
        "site",
        "siteKey",
        "siteSounds",
        "siteTokens",
        "sortedKey",
        "sounds",
        "tokens",
        "wholeKey",
        "wholeSounds",
        "wholeTokens",
      ].sort(),
    );
    const base = alikeKey(normalizeName("Acme Intl Inc. - Denver"));
    for (const other of [
      "Acme Intl Inc. - denver",
      "Acme International Inc. - Denver",
      "Acme Intl Incorporated - Denver",
      "The Acme Intl Inc. - Denver",
      "Acme & Intl Inc. - Denver",
      "Acme Intl Inc.",
    ])
      expect(alikeKey(normalizeName(other))).not.toBe(base);
    expect(alikeKey(normalizeName("ACME INTL INC. - Denver"))).toBe(base);
  });
});
