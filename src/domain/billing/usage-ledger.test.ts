import { describe, expect, it } from "vitest";
import {
  applyReadings,
  decideLedgerWrite,
  readQuantity,
  type UsageInterval,
  type UsageReading,
} from "./usage-ledger.ts";

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 2));
const known = (quantity: number, day: number): UsageReading => ({ quantity, readAt: at(day) });
const unknown = (day: number, reason: "failed" | "skipped" | "stale" = "failed"): UsageReading => ({
  quantity: null,
  reason,
  readAt: at(day),
});
const open = (quantity: number | null, day: number): UsageInterval => ({
  quantity,
  unknownReason: quantity === null ? "failed" : null,
  validFrom: at(day),
  validTo: null,
});

describe("usage ledger decisions", () => {
  it("opens the first interval", () => {
    expect(decideLedgerWrite(null, known(12, 1))).toEqual({ action: "open", open: open(12, 1) });
  });

  it("writes nothing when the quantity is the same", () => {
    expect(decideLedgerWrite(open(12, 1), known(12, 2))).toEqual({ action: "extend" });
  });

  it("closes and opens when the quantity changes, at the reading's instant", () => {
    expect(decideLedgerWrite(open(12, 1), known(13, 5))).toEqual({
      action: "close-and-open",
      closeAt: at(5),
      open: open(13, 5),
    });
  });

  it("stores unknown as its own state with its reason, never as 0 (rule 13)", () => {
    const decision = decideLedgerWrite(open(12, 1), unknown(6, "skipped"));
    expect(decision).toEqual({
      action: "close-and-open",
      closeAt: at(6),
      open: { quantity: null, unknownReason: "skipped", validFrom: at(6), validTo: null },
    });
    expect(decision.action === "close-and-open" && decision.open.quantity).not.toBe(0);
  });

  it("keeps one unknown interval through nights of failures, and ends it with the next known reading", () => {
    expect(decideLedgerWrite(open(null, 6), unknown(7, "stale"))).toEqual({ action: "extend" });
    expect(decideLedgerWrite(open(null, 6), known(0, 8))).toEqual({
      action: "close-and-open",
      closeAt: at(8),
      open: open(0, 8),
    });
  });

  it("replaces an interval by a second reading at the same instant", () => {
    expect(decideLedgerWrite(open(12, 3), known(14, 3))).toEqual({ action: "replace", open: open(14, 3) });
  });

  it("ignores a reading older than what is stored", () => {
    expect(decideLedgerWrite(open(12, 3), known(14, 2)).action).toBe("ignore");
    const closed = { ...open(12, 1), validTo: at(4) };
    expect(decideLedgerWrite(closed, known(14, 3)).action).toBe("ignore");
    expect(decideLedgerWrite(closed, known(14, 4))).toEqual({ action: "open", open: open(14, 4) });
  });

  it("refuses a quantity that is not a whole number from 0 up", () => {
    expect(() => decideLedgerWrite(null, known(-1, 1))).toThrow(/negative/);
    expect(() => decideLedgerWrite(null, known(1.5, 1))).toThrow(/whole/);
  });

  it("writes one row per change over a month of nightly readings", () => {
    const quantities = [
      5,
      5,
      5,
      6,
      6,
      null,
      null,
      6,
      6,
      6,
      7,
      7,
      7,
      7,
      7,
      7,
      7,
      7,
      7,
      7,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
      5,
    ];
    const readings = quantities.map((quantity, index) =>
      quantity === null ? unknown(index + 1) : known(quantity, index + 1),
    );
    const intervals = applyReadings([], readings);
    expect(intervals.map((interval) => interval.quantity)).toEqual([5, 6, null, 6, 7, 5]);
    expect(
      intervals
        .slice(0, -1)
        .every(
          (interval, index) => interval.validTo?.getTime() === intervals[index + 1]?.validFrom.getTime(),
        ),
    ).toBe(true);
    expect(intervals.at(-1)?.validTo).toBeNull();
  });
});

describe("reading a quantity", () => {
  it("takes whole numbers and numeric strings", () => {
    expect(readQuantity(0)).toEqual({ ok: true, value: 0 });
    expect(readQuantity(" 42 ")).toEqual({ ok: true, value: 42 });
  });

  it("says why it refuses the rest", () => {
    expect(readQuantity(undefined)).toEqual({ ok: false, reason: "quantity missing" });
    expect(readQuantity("")).toEqual({ ok: false, reason: 'quantity "" is not a number' });
    expect(readQuantity("ten")).toEqual({ ok: false, reason: 'quantity "ten" is not a number' });
    expect(readQuantity(2.5)).toEqual({ ok: false, reason: "quantity 2.5 is not a whole number" });
    expect(readQuantity(-3)).toEqual({ ok: false, reason: "quantity -3 is negative" });
    expect(readQuantity(2 ** 60)).toEqual({ ok: false, reason: `quantity ${2 ** 60} is too large` });
  });
});
