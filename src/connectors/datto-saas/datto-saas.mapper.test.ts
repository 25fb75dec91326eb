import { describe, expect, it } from "vitest";
import { SeenIds, toPage } from "../record-checks.ts";
import { dattoSaasDomains } from "./datto-saas.fixtures.ts";
import { mapDattoSaasRow } from "./datto-saas.mapper.ts";

describe("Datto SaaS Protection mapper", () => {
  it("emits each customer once, its domains under it, and treats domains case-insensitively", () => {
    const seen = new SeenIds();
    const customers = new Set<string>();
    const page = toPage(dattoSaasDomains.flatMap((row) => mapDattoSaasRow(row, seen, customers)));
    expect(page.records.map((r) => [r.externalId, r.parentExternalId])).toEqual([
      ["12345", null],
      ["12345:acme.example", "12345"],
      ["12346", null],
      ["12346:beta.example", "12346"],
    ]);
    expect(page.records[1]?.attributes).toEqual({
      productType: "Office365",
      retentionType: "Infinite Cloud Retention",
      seatsUsed: 48,
    });
    expect(page.rejected.map((r) => r.reason)).toEqual([
      "duplicate id: the same id appeared earlier in this sync",
    ]);
  });
});
