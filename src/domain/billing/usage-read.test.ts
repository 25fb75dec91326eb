import { describe, expect, it } from "vitest";
import { type ExpectedUsage, ledgerInputs, type UsageReadResult } from "./usage-read.ts";

const readAt = new Date("2026-11-30T02:00:00Z");
const expected: ExpectedUsage[] = [
  { externalId: "site-1", billingTypes: ["devices", "devices.server"] },
  { externalId: "site-2", billingTypes: ["devices"] },
];

describe("from a usage read to ledger readings", () => {
  it("passes known quantities through, 0 included", () => {
    const read: UsageReadResult = {
      kind: "complete",
      readings: [
        { externalId: "site-1", billingType: "devices", quantity: 12 },
        { externalId: "site-1", billingType: "devices.server", quantity: 0 },
        { externalId: "site-2", billingType: "devices", quantity: 3 },
      ],
      rejected: [],
      requestCount: 2,
    };
    const { inputs, rejected } = ledgerInputs(read, expected, readAt);
    expect(inputs.map((i) => [i.externalId, i.billingType, i.reading.quantity])).toEqual([
      ["site-1", "devices", 12],
      ["site-1", "devices.server", 0],
      ["site-2", "devices", 3],
    ]);
    expect(rejected).toEqual([]);
  });

  it("makes every expected reading unknown when the read failed: never 0 (rule 13)", () => {
    const { inputs } = ledgerInputs({ kind: "failed", error: "HTTP 500", requestCount: 6 }, expected, readAt);
    expect(inputs).toHaveLength(3);
    for (const input of inputs) {
      expect(input.reading).toEqual({ quantity: null, reason: "failed", readAt });
      expect(input.detail).toBe("the usage read failed: HTTP 500");
    }
  });

  it("makes a pair the module did not report unknown (skipped), and keeps a reported unknown's reason", () => {
    const read: UsageReadResult = {
      kind: "complete",
      readings: [
        {
          externalId: "site-1",
          billingType: "devices",
          quantity: null,
          reason: "failed",
          detail: "seatsUsed missing",
        },
      ],
      rejected: [{ reason: "line 4: quantity missing", raw: {} }],
      requestCount: 1,
    };
    const { inputs, rejected } = ledgerInputs(read, expected, readAt);
    expect(
      inputs.map((i) => [
        i.externalId,
        i.billingType,
        i.reading.quantity,
        "reason" in i.reading && i.reading.reason,
      ]),
    ).toEqual([
      ["site-1", "devices", null, "failed"],
      ["site-1", "devices.server", null, "skipped"],
      ["site-2", "devices", null, "skipped"],
    ]);
    expect(rejected).toEqual([{ reason: "line 4: quantity missing", raw: {} }]);
  });

  it("rejects a reading for an unknown module organization, with the reason", () => {
    const read: UsageReadResult = {
      kind: "complete",
      readings: [{ externalId: "site-9", billingType: "devices", quantity: 4 }],
      rejected: [],
      requestCount: 1,
    };
    const { rejected } = ledgerInputs(read, expected, readAt);
    expect(rejected.map((r) => r.reason)).toEqual([
      'no module organization with external id "site-9" in this module',
    ]);
  });
});
