import { describe, expect, it } from "vitest";
import { ORGANIZATION_TERMS, pluralOf, termLabels } from "./term.ts";

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
