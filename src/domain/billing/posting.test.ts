import { describe, expect, it } from "vitest";
import {
  attemptKey,
  decidePosting,
  directionOf,
  needsApproval,
  type PostableCandidate,
  unpostableReason,
} from "./posting.ts";

const candidate = (desiredUnits: number): PostableCandidate => ({
  moduleKey: "rmm",
  billingType: "devices",
  organizationId: "org",
  organizationName: "Acme",
  state: "under_billed",
  periodKey: "2026-11",
  desiredUnits,
  contractPsaId: "1",
  contractServicePsaId: "11",
  servicePsaId: "501",
  serviceName: "Managed Workstation",
  unitPrice: 125_000n,
});

describe("posting decisions", () => {
  it("holds a decrease to zero or by more than the share (rule 16), and nothing else", () => {
    expect(needsApproval(10, 0, 50)).toBe(true);
    expect(needsApproval(10, 4, 50)).toBe(true);
    expect(needsApproval(10, 5, 50)).toBe(false); // exactly the share passes
    expect(needsApproval(10, 9, 0)).toBe(true);
    expect(needsApproval(0, 0, 50)).toBe(false);
    expect(needsApproval(3, 30, 50)).toBe(false);
    expect(needsApproval(10, 8, 10)).toBe(true);
  });

  it("posts the difference to the units read back, or nothing when they agree", () => {
    expect(
      decidePosting(candidate(8), { units: 5, isInvoiced: false }, { approvalSharePercent: 50 }),
    ).toEqual({
      kind: "post",
      unitsBefore: 5,
      targetUnits: 8,
      unitChange: 3,
    });
    expect(decidePosting(candidate(5), { units: 5, isInvoiced: true }, { approvalSharePercent: 50 })).toEqual(
      {
        kind: "same",
        unitsBefore: 5,
      },
    );
  });

  it("never adjusts an invoiced period (rule 15)", () => {
    const decision = decidePosting(
      candidate(8),
      { units: 5, isInvoiced: true },
      { approvalSharePercent: 50 },
    );
    expect(decision).toMatchObject({ kind: "failed", unitsBefore: 5, unitsAfter: 5 });
    expect(decision.kind === "failed" && decision.reason).toMatch(/^period locked/);
  });

  it("posts a held change once an admin approved that very change; a rejected one stays held", () => {
    const read = { units: 10, isInvoiced: false };
    expect(decidePosting(candidate(0), read, { approvalSharePercent: 50 })).toMatchObject({
      kind: "held",
      reason: "waiting for an admin's approval: a decrease to zero (from 10)",
    });
    const approved = { state: "approved" as const, unitsBefore: 10, targetUnits: 0 };
    expect(decidePosting(candidate(0), read, { approvalSharePercent: 50, approval: approved })).toMatchObject(
      {
        kind: "post",
        unitChange: -10,
      },
    );
    // Approved for another change: asks again.
    expect(decidePosting(candidate(2), read, { approvalSharePercent: 50, approval: approved })).toMatchObject(
      { kind: "held", reason: expect.stringContaining("waiting") },
    );
    expect(
      decidePosting(candidate(0), read, {
        approvalSharePercent: 50,
        approval: { ...approved, state: "rejected" },
      }),
    ).toMatchObject({ kind: "held", reason: expect.stringContaining("rejected by an admin") });
  });

  it("says in words why a row cannot be posted", () => {
    expect(unpostableReason(candidate(3))).toBeNull();
    expect(unpostableReason({ ...candidate(3), state: "unmapped_usage" })).toMatch(/^unmapped organization/);
    expect(unpostableReason({ ...candidate(3), state: "no_contract" })).toMatch(/^no recurring contract/);
    expect(unpostableReason({ ...candidate(3), state: "stale_source" })).toMatch(/unknown is not zero/);
  });

  it("keys an attempt by contract service, period and target units; tells the direction", () => {
    expect(attemptKey("11", "2026-11", 8)).toBe("11/2026-11/8");
    expect([directionOf(5, 8), directionOf(8, 5), directionOf(5, 5), directionOf(null, 5)]).toEqual([
      "up",
      "down",
      "same",
      "same",
    ]);
  });
});
