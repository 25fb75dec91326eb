import { describe, expect, it } from "vitest";
import { formatDecimal, parseDecimal } from "./money.ts";
import { type ReconciliationInput, reconcile, totalsByState } from "./reconciliation.ts";

const price = (text: string) => parseDecimal(text)!;
const row = (overrides: Partial<ReconciliationInput> = {}): ReconciliationInput => ({
  organizationId: "A",
  desiredUnits: 10,
  isStale: false,
  hasServiceMapping: true,
  contract: { contractService: { psaUnits: 10, unitPrice: price("15.98") } },
  ...overrides,
});
const onContract = (psaUnits: number, unitPrice: bigint | null = price("15.98")) => ({
  contract: { contractService: { psaUnits, unitPrice } },
});

describe("rule 14: reconciliation state per (organization, service, period)", () => {
  it("is in balance when the PSA bills the desired units", () => {
    expect(reconcile(row())).toMatchObject({ state: "in_balance", differenceUnits: 0, differenceMoney: 0n });
  });

  it("is under-billed when the PSA bills fewer units: the difference is revenue lost", () => {
    const result = reconcile(row(onContract(7)));
    expect(result).toMatchObject({
      state: "under_billed",
      desiredUnits: 10,
      psaUnits: 7,
      differenceUnits: 3,
    });
    expect(formatDecimal(result.differenceMoney!)).toBe("47.94");
  });

  it("is over-billed when the PSA bills more units", () => {
    const result = reconcile(row(onContract(12)));
    expect(result).toMatchObject({ state: "over_billed", differenceUnits: -2 });
    expect(formatDecimal(result.differenceMoney!)).toBe("-31.96");
  });

  it("names usage with no mapping before anything else", () => {
    expect(reconcile(row({ organizationId: null, hasServiceMapping: false, contract: null })).state).toBe(
      "unmapped_usage",
    );
  });

  it("names a billing type without a service mapping as a state, not an error", () => {
    expect(reconcile(row({ hasServiceMapping: false })).state).toBe("no_service_mapping");
  });

  it("names a mapped organization without a recurring contract, or without the service on it", () => {
    expect(reconcile(row({ contract: null }))).toMatchObject({
      state: "no_contract",
      psaUnits: null,
      differenceMoney: null,
    });
    expect(reconcile(row({ contract: { contractService: null } })).state).toBe("service_not_on_contract");
  });

  it("says stale source when a reading was unknown, and still shows the units", () => {
    expect(reconcile(row({ isStale: true, ...onContract(7) }))).toMatchObject({
      state: "stale_source",
      differenceUnits: 3,
    });
    expect(reconcile(row({ desiredUnits: null })).state).toBe("stale_source");
  });

  it("reconciles units without a unit price and says the money is unknown", () => {
    expect(reconcile(row(onContract(4, null)))).toMatchObject({
      state: "under_billed",
      differenceUnits: 6,
      unitPrice: null,
      differenceMoney: null,
    });
  });
});

describe("totals by state", () => {
  it("adds units and money per state, every state listed, money exact", () => {
    const results = [
      reconcile(row({ desiredUnits: 110, ...onContract(3, price("15.98")) })),
      reconcile(row({ desiredUnits: 107, ...onContract(0, price("15.98")) })),
      reconcile(row({ desiredUnits: 9, ...onContract(4, null) })),
      reconcile(row(onContract(12))),
      reconcile(row({ organizationId: null, desiredUnits: 6, contract: null })),
      reconcile(row({ contract: null, desiredUnits: 4 })),
    ];
    const totals = Object.fromEntries(totalsByState(results).map((total) => [total.state, total]));
    expect(totals.under_billed).toEqual({
      state: "under_billed",
      rows: 3,
      units: 107 + 107 + 5,
      money: "3419.72",
      rowsWithoutMoney: 1,
    });
    expect(totals.over_billed).toMatchObject({ rows: 1, units: 2, money: "31.96" });
    expect(totals.unmapped_usage).toMatchObject({ rows: 1, units: 6, money: "0.00" });
    expect(totals.no_contract).toMatchObject({ rows: 1, units: 4 });
    expect(totals.in_balance).toMatchObject({ rows: 0, units: 0 });
    expect(Object.keys(totals)).toHaveLength(8);
  });
});
