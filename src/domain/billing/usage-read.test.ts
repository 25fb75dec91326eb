import { describe, expect, it } from "vitest";
import { decideLedgerWrite } from "./usage-ledger.ts";
import {
  type ExpectedUsage,
  ledgerInputs,
  type ModuleUsageReading,
  type OpenPairState,
  type UsageReadResult,
  unchangedPairs,
} from "./usage-read.ts";

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

describe("the nightly write's cheap check (unchangedPairs)", () => {
  const at = readAt.getTime();
  const before = new Date(at - 86_400_000);
  const open = (billingType: string, quantity: number | null, validFrom = before): OpenPairState => ({
    billingType,
    quantity,
    validFrom,
  });
  const known = (billingType: string, quantity: number): ModuleUsageReading => ({
    externalId: "site-1",
    billingType,
    quantity,
  });

  it("settles a module organization read exactly as stored, and counts its unknown pairs", () => {
    const unknown: ModuleUsageReading = {
      externalId: "site-1",
      billingType: "devices.server",
      quantity: null,
      reason: "skipped",
      detail: "not reported",
    };
    expect(
      unchangedPairs(
        [open("devices", 4), open("devices.server", null)],
        [unknown, known("devices", 4)],
        ["devices"],
        "complete",
        at,
      ),
    ).toEqual({ pairs: 2, unknown: 1 });
  });

  it("leaves to the full decision a change, a new pair, a missing pair, a late reading, a missing required type", () => {
    const stored = [open("devices", 4)];
    expect(unchangedPairs(stored, [known("devices", 5)], [], "complete", at)).toBeNull();
    expect(
      unchangedPairs(stored, [known("devices", 4), known("devices.server", 0)], [], "complete", at),
    ).toBeNull();
    expect(unchangedPairs(stored, [], [], "complete", at)).toBeNull();
    expect(
      unchangedPairs([open("devices", 4, new Date(at + 1))], [known("devices", 4)], [], "complete", at),
    ).toBeNull();
    expect(
      unchangedPairs(stored, [known("devices", 4)], ["devices", "devices.server"], "complete", at),
    ).toBeNull();
    // 0 is a quantity, not unknown (rule 13): a stored unknown read as 0 is a change.
    expect(unchangedPairs([open("devices", null)], [known("devices", 0)], [], "complete", at)).toBeNull();
    // A failed read leaves only pairs already unknown as they are.
    expect(unchangedPairs(stored, undefined, [], "failed", at)).toBeNull();
    expect(unchangedPairs([open("devices", null)], undefined, ["devices"], "failed", at)).toEqual({
      pairs: 1,
      unknown: 1,
    });
  });

  it("answers only what ledgerInputs and decideLedgerWrite would decide: 'extend' for every pair (2,000 random cases)", () => {
    let seed = 9;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const types = ["devices", "devices.server", "devices.laptop"];
    const quantities = [null, 0, 1, 2] as const;
    let settled = 0;
    for (let n = 0; n < 2_000; n++) {
      const stored = types
        .filter(() => random() < 0.8)
        .map((type) =>
          open(type, pick(quantities), random() < 0.05 ? new Date(at + 1) : pick([before, readAt])),
        );
      const readings: ModuleUsageReading[] = [];
      for (const type of types) {
        const times = random() < 0.9 ? 1 : pick([0, 2]);
        for (let k = 0; k < times; k++) {
          // Mostly the stored state, so that the cheap check settles a fair share.
          const same = stored.find((s) => s.billingType === type);
          const quantity = same && random() < 0.85 ? same.quantity : pick(quantities);
          readings.push(
            quantity === null
              ? { externalId: "site-1", billingType: type, quantity, reason: "skipped", detail: "-" }
              : known(type, quantity),
          );
        }
      }
      const required = types.filter(() => random() < 0.3);
      const kind = random() < 0.1 ? "failed" : "complete";
      const fast = unchangedPairs(stored, readings, required, kind, at);
      if (fast === null) continue;
      settled++;
      const expectedTypes = new Set([
        ...required,
        ...stored.map((s) => s.billingType),
        ...(kind === "complete" ? readings.map((r) => r.billingType) : []),
      ]);
      const read: UsageReadResult =
        kind === "failed"
          ? { kind, error: "HTTP 500", requestCount: 1 }
          : { kind, readings, rejected: [], requestCount: 1 };
      const { inputs } = ledgerInputs(
        read,
        [{ externalId: "site-1", billingTypes: [...expectedTypes] }],
        readAt,
      );
      for (const input of inputs) {
        const last = stored.find((s) => s.billingType === input.billingType);
        const decision = decideLedgerWrite(
          last ? { ...last, unknownReason: last.quantity === null ? "failed" : null, validTo: null } : null,
          input.reading,
        );
        expect(decision.action).toBe("extend");
      }
      expect(fast).toEqual({
        pairs: inputs.length,
        unknown: inputs.filter((input) => input.reading.quantity === null).length,
      });
    }
    // The check is not vacuous: a good share of the cases is settled by it.
    expect(settled).toBeGreaterThan(100);
  });
});
