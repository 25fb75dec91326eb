import { describe, expect, it } from "vitest";
import { SeenIds, toPage } from "../record-checks.ts";
import { dattoRmmSitesPage } from "./datto-rmm.fixtures.ts";
import { mapDattoRmmSite } from "./datto-rmm.mapper.ts";

describe("Datto RMM mapper", () => {
  it("skips Deleted Devices whatever its case, keeps the Autotask link and drops empty ones", () => {
    const seen = new SeenIds();
    const results = dattoRmmSitesPage.sites.map((site) => mapDattoRmmSite(site, seen));
    expect(results[0]).toEqual({ skipped: "built-in Deleted Devices site" });
    expect(toPage(results)).toEqual({
      records: [
        {
          externalId: "0c7a2e4d-0000-4000-8000-000000000002",
          name: "Acme Corporation",
          parentExternalId: null,
          attributes: {
            siteId: "2",
            autotaskCompanyId: "4711",
            autotaskCompanyName: "Acme Corporation",
            description: "Head office",
          },
        },
        {
          externalId: "0c7a2e4d-0000-4000-8000-000000000003",
          name: "Beta LLC",
          parentExternalId: null,
          attributes: { siteId: "3" },
        },
      ],
      rejected: [],
    });
  });
});
