import { describe, expect, it } from "vitest";
import { buildMatchIndex, suggest, suggestAll } from "./engine.ts";

const organizations = [
  { id: "acme", psaId: "4711", name: "Acme Corporation" },
  { id: "zephyr", name: "Zephyr Dental Services, Inc." },
  { id: "bright", name: "Bright Dental Services" },
  { id: "smile", name: "Smile Dental Services" },
  { id: "ibm", name: "International Business Machines Corp." },
  { id: "contoso", name: "Contoso Ltd" },
  { id: "fabrikam", name: "Fabrikam Holdings" },
];

describe("suggest: name evidence", () => {
  const index = buildMatchIndex({ organizations });

  it("accepts the same name once the legal form is removed, and says so", () => {
    const [best, ...rest] = suggest(index, { id: "m1", name: "ACME Inc." });
    expect(best?.organizationId).toBe("acme");
    expect(best?.accept).toBe(true);
    expect(best?.reasons[0]).toContain("'Inc.'");
    expect(rest.every((c) => !c.accept)).toBe(true);
  });

  it("accepts abbreviations and a site suffix, naming the site", () => {
    const [best] = suggest(index, { id: "m2", name: "Zephyr Dental Svcs - Denver" });
    expect(best).toMatchObject({ organizationId: "zephyr", accept: true });
    expect(best?.reasons.join(" ")).toContain("'Svcs' is read as 'Service'");
    expect(best?.reasons.join(" ")).toContain("'Denver'");
  });

  it("weighs the rare word over common ones", () => {
    const candidates = suggest(index, { id: "m3", name: "Zephyr Dental" });
    expect(candidates[0]?.organizationId).toBe("zephyr");
    const bright = candidates.find((c) => c.organizationId === "bright");
    expect(candidates[0]?.score).toBeGreaterThan((bright?.score ?? 0) + 0.2);
    expect(candidates[0]?.reasons.join(" ")).toContain("'Zephyr'");
  });

  it("does not accept when only common words are shared", () => {
    const candidates = suggest(index, { id: "m4", name: "Dental Services" });
    expect(candidates.length).toBeGreaterThan(1);
    expect(candidates.some((c) => c.accept)).toBe(false);
  });

  it("finds a typo but proposes it without accepting a one-word name", () => {
    const [best] = suggest(index, { id: "m5", name: "Fabrikma" });
    expect(best?.organizationId).toBe("fabrikam");
    expect(best?.accept).toBe(false);
    expect(best?.reasons.join(" ")).toContain("typo");
  });

  it("proposes an acronym match without accepting it", () => {
    const [best] = suggest(index, { id: "m6", name: "IBM" });
    expect(best?.organizationId).toBe("ibm");
    expect(best?.accept).toBe(false);
    expect(best?.reasons[0]).toBe("'IBM' is the initials of 'International Business Machines Corp.'");
  });

  it("returns nothing for a name with no plausible candidate", () => {
    expect(suggest(index, { id: "m7", name: "Northwind Traders" })).toEqual([]);
  });

  it("keeps scores in [0, 1], best first, at most `top`", () => {
    const candidates = suggest(index, { id: "m8", name: "Dental" }, { top: 2 });
    expect(candidates.length).toBe(2);
    expect(candidates[0]!.score).toBeGreaterThanOrEqual(candidates[1]!.score);
    for (const c of candidates) expect(c.score >= 0 && c.score <= 1).toBe(true);
  });
});

describe("suggest: spellings of one name", () => {
  const index = buildMatchIndex({
    organizations: [
      { id: "philips", name: "Koninklijke Philips Electronics N.V." },
      { id: "philips-ip", name: "Philips Intellectual Property & Standards GmbH" },
      { id: "ge", name: "General Electric" },
      { id: "willis", name: "Willis Group Ltd." },
      { id: "fabrikam", name: "Fabrikam Holdings" },
    ],
  });

  it("accepts words that sound the same (a transliteration) and says so", () => {
    const [best] = suggest(index, { id: "t1", name: "KONINKLEJKE FILIPS EHLEKTRONIKS N.V." });
    expect(best).toMatchObject({ organizationId: "philips", accept: true });
    expect(best?.reasons.join(" ")).toContain("'Filip' sounds the same as 'Philip'");
    expect(best?.reasons.join(" ")).toContain("'Koninklejke' sounds the same as 'Koninklijke'");
  });

  it("finds candidates through words that sound the same, but does not stretch a sound-alike to containment", () => {
    const local = buildMatchIndex({
      organizations: [
        { id: "philips", name: "Philips Electronics" },
        { id: "berkley", name: "Berkley Resources Inc." },
      ],
    });
    const [best] = suggest(local, { id: "t8", name: "Filips Ehlektroniks" });
    expect(best).toMatchObject({ organizationId: "philips", accept: true });
    // "Barclays" sounds like "Berkley", but the organization's name says more: proposed, not accepted.
    const [barclays] = suggest(local, { id: "t9", name: "Barclays" });
    expect(barclays?.organizationId).toBe("berkley");
    expect(barclays?.accept).toBe(false);
  });

  it("accepts a one-word name with a doubled letter, which sounds the same", () => {
    const local = buildMatchIndex({ organizations: [{ id: "b", name: "Braskem S.A." }] });
    const [best] = suggest(local, { id: "t2", name: "Brasskem S.A." });
    expect(best).toMatchObject({ organizationId: "b", accept: true });
    expect(best?.reasons.join(" ")).toContain("'Brasskem' sounds the same as 'Braskem'");
  });

  it("accepts a module name whose words are all in the organization's longer name, and says so", () => {
    const [best] = suggest(index, { id: "t3", name: "Philips Electronics N.V." });
    expect(best).toMatchObject({ organizationId: "philips", accept: true });
    expect(best?.reasons).toContain(
      "every word of 'Philips Electronics N.V.' is in 'Koninklijke Philips Electronics N.V.', which says more",
    );
  });

  it("does not accept a shortened name that two organizations of one family contain", () => {
    const candidates = suggest(index, { id: "t4", name: "Philips N.V." });
    expect(
      candidates
        .map((c) => c.organizationId)
        .slice(0, 2)
        .sort(),
    ).toEqual(["philips", "philips-ip"]);
    expect(candidates.some((c) => c.accept)).toBe(false);
  });

  it("accepts a long name one letter off with words run together, and says so", () => {
    const local = buildMatchIndex({
      organizations: [
        { id: "roche", name: "F. Hoffman-LaRoche Ltd." },
        { id: "fabrikam", name: "Fabrikam Holdings" },
      ],
    });
    const [best] = suggest(local, { id: "t6", name: "F. HOFFMANN-LA ROCHE AG" });
    expect(best).toMatchObject({ organizationId: "roche", accept: true });
    // "LaRoche" is split the way the module writes it ("La Roche"), so the words agree apart from one typo.
    expect(best?.reasons.join(" ")).toContain("'Hoffmann' sounds the same as 'Hoffman'");
    // A short name one letter off stays a proposal.
    expect(suggest(local, { id: "t7", name: "Fabrikma" })[0]?.accept).toBe(false);
  });

  it("does not accept a module name that adds a word (another entity of the group)", () => {
    const [best] = suggest(index, { id: "t5", name: "Willis Group Holdings Ltd." });
    expect(best?.organizationId).toBe("willis");
    expect(best?.accept).toBe(false);
  });
});

describe("suggest: other evidence", () => {
  it("uses a PSA id carried by the record", () => {
    const index = buildMatchIndex({ organizations });
    const [best] = suggest(index, { id: "s1", name: "Head Office", psaId: "4711", moduleName: "Datto RMM" });
    expect(best).toMatchObject({ organizationId: "acme", accept: true });
    expect(best?.reasons[0]).toBe("Datto RMM record carries Autotask id 4711");
  });

  it("ranks a PSA id above a conflicting name, but does not accept against it", () => {
    const index = buildMatchIndex({ organizations });
    const candidates = suggest(index, { id: "s2", name: "Contoso", psaId: "4711", moduleName: "Datto RMM" });
    expect(candidates.map((c) => c.organizationId)).toEqual(["acme", "contoso"]);
    expect(candidates.some((c) => c.accept)).toBe(false);
  });

  it("uses names other modules' confirmed mappings already use", () => {
    const index = buildMatchIndex({
      organizations,
      confirmed: [{ moduleKey: "graphus", moduleName: "Graphus", name: "Acme NY", organizationId: "acme" }],
    });
    const [best] = suggest(index, { id: "i1", name: "Acme NY", moduleKey: "itglue" });
    expect(best).toMatchObject({ organizationId: "acme", accept: true });
    expect(best?.reasons[0]).toBe("Graphus's 'Acme NY' is already mapped to Acme Corporation");
  });

  it("does not count a module organization's own mapping as evidence for itself", () => {
    const index = buildMatchIndex({
      organizations,
      confirmed: [
        { moduleKey: "itglue", moduleOrganizationId: "i1", name: "Blue Yonder", organizationId: "acme" },
      ],
    });
    expect(suggest(index, { id: "i1", name: "Blue Yonder", moduleKey: "itglue" })).toEqual([]);
  });

  it("uses user-confirmed aliases", () => {
    const index = buildMatchIndex({
      organizations,
      aliases: [{ name: "Blue Yonder", organizationId: "contoso" }],
    });
    const [best] = suggest(index, { id: "a1", name: "Blue Yonder LLC" });
    expect(best).toMatchObject({ organizationId: "contoso", accept: true });
    expect(best?.reasons[0]).toBe("matches the confirmed alias 'Blue Yonder' of Contoso Ltd");
  });

  it("lets a sub-organization follow its parent's mapping", () => {
    const index = buildMatchIndex({ organizations });
    const [best] = suggest(index, { id: "site1", name: "Main Office", parentOrganizationId: "fabrikam" });
    expect(best?.organizationId).toBe("fabrikam");
    expect(best?.reasons).toEqual(["its parent is mapped to Fabrikam Holdings"]);
    const [withName] = suggest(index, {
      id: "site2",
      name: "Fabrikam - Denver",
      parentOrganizationId: "fabrikam",
    });
    expect(withName?.score).toBeGreaterThan(best?.score ?? 1);
  });
});

describe("suggest: what is never proposed", () => {
  it("never proposes Dead or Cancelation organizations", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "dead", name: "Globex Inc", type: "Dead" },
        { id: "cancel", name: "Globex", type: "Cancelation", psaId: "9" },
        { id: "live", name: "Globex Corporation", type: "Customer" },
      ],
    });
    const candidates = suggest(index, { id: "g", name: "Globex", psaId: "9" }, { top: 5 });
    expect(candidates.map((c) => c.organizationId)).toEqual(["live"]);
  });

  it("never proposes a rejected pair, and the next candidate may then be accepted", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "a", name: "Initech" },
        { id: "b", name: "Initech LLC" },
      ],
    });
    const before = suggest(index, { id: "m", name: "Initech" });
    expect(before.map((c) => c.organizationId).sort()).toEqual(["a", "b"]);
    const after = suggest(index, { id: "m", name: "Initech" }, { rejectedOrganizationIds: ["a"] });
    expect(after.map((c) => c.organizationId)).toEqual(["b"]);
    expect(after[0]?.accept).toBe(true);
  });

  it("accepts only with a clear margin over the runner-up", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "a", name: "Initech Inc" },
        { id: "b", name: "Initech LLC" },
      ],
    });
    const candidates = suggest(index, { id: "m", name: "Initech" });
    expect(candidates[0]!.score).toBeGreaterThanOrEqual(0.9);
    expect(candidates.some((c) => c.accept)).toBe(false);
  });
});

describe("suggestAll", () => {
  it("answers per module organization, leaves out those without candidates, applies rejections", () => {
    const index = buildMatchIndex({ organizations });
    const out = suggestAll(
      index,
      [
        { id: "x", name: "Acme" },
        { id: "y", name: "Northwind Traders" },
        { id: "z", name: "Contoso" },
      ],
      { top: 1, rejected: new Map([["z", ["contoso"]]]) },
    );
    expect(out).toEqual([
      { moduleOrganizationId: "x", candidates: [expect.objectContaining({ organizationId: "acme" })] },
    ]);
  });
});
