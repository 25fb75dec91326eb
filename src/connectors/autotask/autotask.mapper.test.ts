import { describe, expect, it } from "vitest";
import { SeenIds } from "../record-checks.ts";
import { autotaskCompaniesPage, autotaskFieldsResponse } from "./autotask.fixtures.ts";
import { buildCompanyTypeLookup, mapAutotaskCompany } from "./autotask.mapper.ts";

const types = buildCompanyTypeLookup(autotaskFieldsResponse.fields[1]?.picklistValues ?? []);

describe("Autotask mapper", () => {
  it("maps the documented company shape", () => {
    const seen = new SeenIds();
    const results = autotaskCompaniesPage.items.map((item) => mapAutotaskCompany(item, types, seen));
    expect(results).toEqual([
      { record: { psaId: "0", name: "Our MSP", type: "Customer", isActive: true, parentPsaId: null } },
      {
        record: {
          psaId: "174",
          name: "Acme Corporation",
          type: "Customer",
          isActive: true,
          parentPsaId: null,
        },
      },
      {
        record: {
          psaId: "175",
          name: "Acme - Denver",
          type: "Customer",
          isActive: false,
          parentPsaId: "174",
        },
      },
      // A company naming itself as parent gets no parent rather than a cycle.
      { record: { psaId: "176", name: "Old Client", type: "Dead", isActive: false, parentPsaId: null } },
    ]);
  });

  it("rejects ids and parents that are not whole numbers", () => {
    const seen = new SeenIds();
    const base = { companyName: "X", companyType: 1, isActive: true };
    expect(mapAutotaskCompany({ ...base, id: "12" }, types, seen)).toMatchObject({
      rejected: { reason: "id is not a whole number" },
    });
    expect(mapAutotaskCompany({ ...base, id: 12, parentCompanyID: "7" }, types, seen)).toMatchObject({
      rejected: { reason: "parentCompanyID is not a whole number" },
    });
  });
});
