import { describe, expect, it } from "vitest";
import { SeenIds } from "../record-checks.ts";
import { itGlueOrganizationsPage } from "./itglue.fixtures.ts";
import { mapItGlueOrganization } from "./itglue.mapper.ts";

describe("IT Glue mapper", () => {
  it("keeps the name trimmed and the useful attributes, dropping empty ones", () => {
    const seen = new SeenIds();
    expect(itGlueOrganizationsPage.data.map((raw) => mapItGlueOrganization(raw, seen))).toEqual([
      {
        record: {
          externalId: "2",
          name: "Happy Frog",
          parentExternalId: null,
          attributes: {
            shortName: "HF",
            organizationTypeName: "Customer",
            organizationStatusName: "Active",
            primaryDomain: "happyfrog.example",
            psaIntegration: "autotask",
          },
        },
      },
      {
        record: {
          externalId: "3",
          name: "Internal IT",
          parentExternalId: null,
          attributes: { organizationTypeName: "Internal" },
        },
      },
    ]);
  });

  it("rejects a resource without attributes or that is not an object", () => {
    const seen = new SeenIds();
    expect(mapItGlueOrganization({ id: "9" }, seen)).toMatchObject({ rejected: { reason: "name missing" } });
    expect(mapItGlueOrganization("oops", seen)).toMatchObject({ rejected: { reason: "not an object" } });
  });
});
