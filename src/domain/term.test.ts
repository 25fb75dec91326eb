import { describe, expect, it } from "vitest";
import { inTermWords, ORGANIZATION_TERMS, pluralOf, termLabels } from "./term.ts";

/** Issue 13 point 14: "Client Company" becomes "Client Companies", not "client companys". */
describe("term plurals", () => {
  it("pluralizes every term as English does", () => {
    expect(ORGANIZATION_TERMS.map(pluralOf)).toEqual([
      "Organizations",
      "Accounts",
      "Business Units",
      "Clients",
      "Client Companies",
      "Companies",
      "Customers",
      "Sites",
    ]);
    expect(termLabels("Client Company").moduleOrganizations).toBe("Module Client Companies");
  });
});

/** Issue 13 point 14: the server's sentences (errors, suggestion reasons) speak the term too. */
describe("inTermWords", () => {
  it("puts the term for the word organization, and leaves names, field names and the default alone", () => {
    expect(
      inTermWords(
        "Acme Organization Inc. is a Dead organization and cannot be a mapping target",
        "Client Company",
      ),
    ).toBe("Acme Organization Inc. is a Dead client company and cannot be a mapping target");
    expect(inTermWords('module organization "x" does not exist', "Site")).toBe(
      'module site "x" does not exist',
    );
    expect(inTermWords("Organizations with no mapping; organizationId is required", "Company")).toBe(
      "Companies with no mapping; organizationId is required",
    );
    expect(inTermWords("IT Glue's organization is already mapped", "Organization")).toBe(
      "IT Glue's organization is already mapped",
    );
  });
});
