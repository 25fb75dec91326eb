import { describe, expect, it } from "vitest";
import { normalizeName } from "./normalize.ts";

const key = (name: string) => normalizeName(name).key;

describe("normalizeName", () => {
  it("reads words that are names of an object's own properties as words (no abbreviation)", () => {
    for (const word of ["Constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"]) {
      const name = normalizeName(`Acme ${word} Works`);
      expect(name.tokens, word).toEqual(["acme", word.toLowerCase(), "work"]);
      expect(name.expansions, word).toEqual([]);
      expect(normalizeName(word).key, word).toBe(word.toLowerCase());
    }
  });

  it("folds case and accents", () => {
    expect(key("SOCIÉTÉ GÉNÉRALE")).toBe(key("societe generale"));
    expect(key("Straße Müller")).toBe("strasse muller");
  });

  it("ignores punctuation and reads '&', 'and' and '+' alike", () => {
    expect(key("Smith & Jones")).toBe("smith jone");
    expect(key("Smith and Jones")).toBe("smith jone");
    expect(key("Smith + Jones")).toBe("smith jone");
    expect(key("Smith, Jones!")).toBe("smith jone");
  });

  it("drops a leading 'The' and leading junk from datasets", () => {
    expect(key("The Acme Company")).toBe("acme");
    expect(normalizeName("The Acme Company").hadLeadingThe).toBe(true);
    expect(key("* AKZO NOBEL N.V.")).toBe("akzo nobel");
  });

  it.each([
    ["Acme Inc", "inc"],
    ["Acme Incorporated", "inc"],
    ["Acme Corp.", "corp"],
    ["Acme Corporation", "corp"],
    ["Acme Co.", "co"],
    ["Acme LLC", "llc"],
    ["Acme L.L.C.", "llc"],
    ["Acme Ltd", "ltd"],
    ["Acme Limited", "ltd"],
    ["Acme PLC", "plc"],
    ["Acme LLP", "llp"],
    ["Acme GmbH", "gmbh"],
    ["Acme AG", "ag"],
    ["Acme KG", "kg"],
    ["Acme S.A.", "sa"],
    ["Acme S.A.S.", "sas"],
    ["Acme SARL", "sarl"],
    ["Acme S.r.l.", "srl"],
    ["Acme S.p.A.", "spa"],
    ["Acme N.V.", "nv"],
    ["Acme N V", "nv"],
    ["Acme B.V.", "bv"],
    ["Acme A/S", "as"],
    ["Acme AB", "ab"],
    ["Acme Oy", "oy"],
    ["Acme Pty Ltd", "pty"],
    ["Acme Pvt. Ltd.", "pvt"],
  ])("removes the legal form of %s", (name, group) => {
    const norm = normalizeName(name);
    expect(norm.key).toBe("acme");
    expect(norm.legalForms.map((f) => f.group)).toContain(group);
  });

  it("removes stacked and leading legal forms", () => {
    expect(key("Japan Synthetic Rubber Co., Ltd.")).toBe("japan synthetic rubber");
    expect(key("F. Hoffmann-La Roche & Co. AG")).toBe("f hoffmann la roche");
    expect(key("N.V. Nutricia")).toBe("nutricia");
    expect(key("A B Volvo")).toBe("volvo");
    expect(key("D S M N. V.")).toBe("dsm");
  });

  it("keeps a name that is nothing but a legal form", () => {
    expect(key("Company")).toBe("company");
  });

  it.each([
    ["Acme - Denver", "Denver"],
    ["Acme (Main Office)", "Main Office"],
    ["Acme Corp - HQ", "HQ"],
    ["Cargill B.V., Bergen op Zoom", "Bergen op Zoom"],
  ])("splits the site off %s and keeps it as a signal", (name, site) => {
    const norm = normalizeName(name);
    expect(norm.key).toBe(name.startsWith("Cargill") ? "cargill" : "acme");
    expect(norm.site).toBe(site);
  });

  it("keeps a legal form that follows a site with the name", () => {
    const norm = normalizeName("Hitachi Storage - Netherlands B.V.");
    expect(norm.site).toBe("netherlands");
    expect(norm.legalForms.map((f) => f.group)).toEqual(["bv"]);
  });

  it("reads common abbreviations as words", () => {
    expect(key("Acme Intl Mfg Svcs")).toBe(key("Acme International Manufacturing Services"));
    expect(key("Acme Dept of Tech")).toBe(key("Acme Department of Technology"));
    expect(key("State Univ Hosp Assoc")).toBe(key("State University Hospital Associates"));
    expect(normalizeName("Acme Intl").expansions).toEqual([["intl", "international"]]);
  });

  it("derives an acronym key from names of three words or more", () => {
    expect(normalizeName("International Business Machines Corp.").acronym).toBe("ibm");
    expect(normalizeName("Bank of New England").acronym).toBe("bne");
    expect(normalizeName("Acme Dental").acronym).toBeNull();
  });

  it("joins initials and keeps a compact key for split words", () => {
    expect(normalizeName("ST Microelectronics").compact).toBe(normalizeName("STMicroelectronics").compact);
    expect(key("I.B.M.")).toBe("ibm");
  });

  it("reads what follows a legal form as a site (an address or a place), not as part of the name", () => {
    expect(normalizeName("DSM N.V. te Heerlen")).toMatchObject({ key: "dsm", site: "te heerlen" });
    expect(normalizeName("Koninklijke Philips N.V. Groenewoudseweg 1")).toMatchObject({
      key: "koninklijke philip",
      siteTokens: ["groenewoudseweg", "1"],
    });
    // A second legal form at the end: the words between name a company ("Acme Inc. Netherlands B.V.").
    expect(normalizeName("Acme Inc. Netherlands B.V.")).toMatchObject({ key: "acme netherland", site: null });
  });

  it("gives every word a sound key, empty for short words", () => {
    expect(normalizeName("Filips Ehlektroniks N.V.").sounds).toEqual(
      normalizeName("Philips Electronics").sounds,
    );
    expect(normalizeName("ABB Philips").sounds[0]).toBe("");
  });

  it("reads possessives: 's after an s is dropped, s' glued to the next word splits it", () => {
    expect(key("Philips's Gloeilampenfabrieken")).toBe(key("Philips Gloeilampenfabrieken"));
    expect(key("N.V. Philips'Gloeilampenfabrieken")).toBe(key("Philips Gloeilampenfabrieken"));
    expect(key("McDonald's")).toBe("mcdonald");
  });

  it("does not read a name after a leading legal form and a comma as a site", () => {
    expect(normalizeName("N.V, Philips Gloeilampenfabrieken")).toMatchObject({
      key: key("Philips Gloeilampenfabrieken"),
      site: null,
    });
  });

  it("reads a dotted legal form glued to the last word as the legal form ('ElectronicsN.V.')", () => {
    expect(normalizeName("Quorvex ElectronicsN.V.")).toMatchObject({ key: "quorvex electronic" });
    expect(normalizeName("Quorvex ElectronicsN. V.").legalForms.map((f) => f.group)).toEqual(["nv"]);
    expect(key("Tarnby MinasS.A., Lima")).toBe(key("Tarnby Minas"));
    // Without dots between its letters it stays a word.
    expect(key("Quorvex Elektronikanv")).toBe("quorvex elektronikanv");
  });
});
