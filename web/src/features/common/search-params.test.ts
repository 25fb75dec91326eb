import { describe, expect, it } from "vitest";
import { reconciliationSearchSchema, reconciliationUrl } from "../billing/reconciliation-filters.ts";
import { historySearchSchema } from "../history/history-search.ts";
import { gridUrl, mappingSearchSchema, moduleOrganizationsUrl, readGridUrl } from "../mapping/grid-url.ts";
import { parseSearch, stringifySearch } from "./search-params.ts";

/** A URL's query string through the router's parser and a route's schema, as the app reads it. */
const read = <T>(schema: { parse(value: unknown): T }, query: string) => schema.parse(parseSearch(query));
const defined = (value: object) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

describe("the URL's search params", () => {
  it("stay plain text both ways: a number-like search is text, defaults and empties are left out", () => {
    expect(parseSearch("?search=123&needsAttention=true")).toEqual({ search: "123", needsAttention: "true" });
    expect(
      stringifySearch({ search: "123", offset: 200, needsAttention: true, status: undefined, q: "" }),
    ).toBe("?search=123&offset=200&needsAttention=true");
    expect(stringifySearch({ needsAttention: false })).toBe("");
    expect(defined(read(mappingSearchSchema, "?search=123"))).toEqual({ search: "123" });
  });

  it("tab 1: filters, search and sort read back as written; a bad value falls back to the default", () => {
    const url = gridUrl({
      search: "acme",
      show: "left-to-map",
      worklist: "active_customers",
      sort: "-psaId",
    });
    const state = readGridUrl(read(mappingSearchSchema, url.slice(url.indexOf("?"))));
    expect(state).toEqual({
      search: "acme",
      show: "left-to-map",
      worklist: "active_customers",
      worklistModule: null,
      sort: "-psaId",
    });
    expect(gridUrl({ sort: "name", show: "all" })).toBe("/mapping");
    // An order of tab 2's, or none of anyone's, is not tab 1's: the tree order.
    expect(readGridUrl(read(mappingSearchSchema, "?sort=organization")).sort).toBe("name");
    expect(readGridUrl(read(mappingSearchSchema, "?sort=drop%20table&show=everything")).sort).toBe("name");
    expect(readGridUrl(read(mappingSearchSchema, "?show=everything")).show).toBe("all");
    // worklistModule means nothing without a worklist.
    expect(read(mappingSearchSchema, "?worklistModule=rmm").worklistModule).toBeUndefined();
  });

  it("tab 2 keeps only its own filters and orders", () => {
    const search = read(
      mappingSearchSchema,
      "?tab=module-organizations&moduleKey=rmm&status=unmapped&needsAttention=true&sort=-organization&show=left-to-map",
    );
    expect(defined(search)).toEqual({
      tab: "module-organizations",
      moduleKey: "rmm",
      status: "unmapped",
      needsAttention: true,
      sort: "-organization",
    });
    expect(read(mappingSearchSchema, "?tab=module-organizations&sort=psaId").sort).toBeUndefined();
    expect(read(mappingSearchSchema, "?tab=module-organizations&status=lost").status).toBeUndefined();
    expect(
      read(mappingSearchSchema, "?tab=module-organizations&needsAttention=yes").needsAttention,
    ).toBeUndefined();
    expect(moduleOrganizationsUrl({ moduleKey: "rmm", status: "unmapped" })).toBe(
      "/mapping?tab=module-organizations&moduleKey=rmm&status=unmapped",
    );
    // An unknown tab is tab 1.
    expect(read(mappingSearchSchema, "?tab=settings&moduleKey=rmm")).toEqual(
      expect.objectContaining({ tab: undefined, moduleKey: undefined }),
    );
  });

  it("history: who, kind and oldest-first; newest-first is the default and not in the URL", () => {
    expect(defined(read(historySearchSchema, "?who=user%3Aadmin&kind=mapping&sort=at"))).toEqual({
      who: "user:admin",
      kind: "mapping",
      sort: "at",
    });
    expect(read(historySearchSchema, "?sort=-at").sort).toBeUndefined();
    expect(read(historySearchSchema, "?sort=name").sort).toBeUndefined();
  });

  it("reconciliation: every filter, the sort and the page's offset round-trip; nonsense is dropped", () => {
    const url = reconciliationUrl({
      period: "2026-11",
      state: "under_billed",
      needsAttention: true,
      search: "acme",
      sort: "money",
      offset: 200,
    });
    expect(url).toBe(
      "/billing/reconciliation?period=2026-11&state=under_billed&needsAttention=true&search=acme&sort=money&offset=200",
    );
    expect(defined(read(reconciliationSearchSchema, url.slice(url.indexOf("?"))))).toEqual({
      period: "2026-11",
      state: "under_billed",
      needsAttention: true,
      search: "acme",
      sort: "money",
      offset: 200,
    });
    expect(
      defined(read(reconciliationSearchSchema, "?period=November&state=bad&sort=random&offset=-5&offset2=1")),
    ).toEqual({});
    expect(reconciliationUrl({ sort: "attention", offset: 0 })).toBe("/billing/reconciliation");
  });
});
