import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { buildModule } from "../../../../test/support/factories.ts";
import { useTestContext } from "../../../../test/support/test-context.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
  PERIOD,
  postRun,
} from "../../../../test/vendors/autotask-adjustments.fixtures.ts";
import { emulatedUnits } from "../../../../test/vendors/autotask-adjustments.server.ts";
import type { VendorServer } from "../../../../test/vendors/vendor-server.ts";
import { repositories } from "../../../db/repositories.ts";
import { attemptKey } from "../../../domain/billing/posting.ts";

/** Rule 15 against the emulated Autotask: read back, post the difference once, whatever goes wrong. */
describe("posting engine: exactly once (rule 15)", () => {
  const t = useTestContext();
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const adjustments = (data: { contractServiceAdjustments?: unknown[] }) =>
    data.contractServiceAdjustments ?? [];

  it("reads the units back and posts only the difference, once; a rerun posts nothing", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5, 10, 7]);
    server = await emulator(data);
    const wanted = [candidate(module.key, 0, 8), candidate(module.key, 1, 6), candidate(module.key, 2, 7)];
    const first = await postRun(t.ctx, server.url, module.key, wanted);
    expect(first.outcome).toBe("completed");
    expect(first.counts).toMatchObject({ posted: 2, same: 1, held: 0, failed: 0 });
    // Creates run 3 at a time: the emulator may receive them in either order.
    const byService = [...adjustments(data)]
      .map((a) => a as { id: number; contractServiceID: number })
      .sort((a, b) => a.contractServiceID - b.contractServiceID);
    expect(byService).toMatchObject([
      {
        contractID: 1,
        contractServiceID: 5000,
        unitChange: 3,
        effectiveDate: "2026-11-01T00:00:00Z",
        adjustedUnitPrice: 12.5,
      },
      { contractID: 2, contractServiceID: 5001, unitChange: -4 },
    ]);
    // One read-back for the three contract services, one create per difference.
    expect(first.requestCount).toBe(3);
    const second = await postRun(t.ctx, server.url, module.key, wanted);
    expect(second.counts).toMatchObject({ posted: 0, same: 3 });
    expect(adjustments(data)).toHaveLength(2);
    expect([0, 1, 2].map((i) => emulatedUnits(data, 5000 + i, PERIOD))).toEqual([8, 6, 7]);
    const attempts = await repositories(t.ctx.db).postingAttempts.all();
    expect(attempts.map((a) => [a.attemptKey, a.state, a.confirmedBy, a.psaAdjustmentId])).toEqual(
      expect.arrayContaining([
        [attemptKey("5000", PERIOD, 8), "posted", "answer", String(byService[0]?.id)],
        [attemptKey("5001", PERIOD, 6), "posted", "answer", String(byService[1]?.id)],
      ]),
    );
    const log = await repositories(t.ctx.db).activityLog.list({}, 50, 0);
    expect(
      log.rows.map((r) => [r.organizationName, r.direction, r.unitsBefore, r.unitsAfter, r.outcome]),
    ).toEqual([
      ["Company 1000", "same", 8, 8, "posted"],
      ["Company 1001", "same", 6, 6, "posted"],
      ["Company 1002", "same", 7, 7, "posted"],
    ]);
  });

  it("waits out a 429 with Retry-After and posts once", async () => {
    const module = await buildModule(t.ctx.db);
    const data = {
      ...contractsWith([5]),
      adjustmentFaults: [{ fault: { kind: "429" as const, retryAfter: "2" }, times: 2 }],
    };
    server = await emulator(data);
    const result = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(result.counts.posted).toBe(1);
    expect(adjustments(data)).toHaveLength(1);
    expect(emulatedUnits(data, 5000, PERIOD)).toBe(9);
  });

  it("a 500 with Autotask's errors body fails the row with the PSA's words; the next run posts it once", async () => {
    const module = await buildModule(t.ctx.db);
    const data = {
      ...contractsWith([5]),
      adjustmentFaults: [{ fault: { kind: "500" as const, message: "Contract is not active on this date" } }],
    };
    server = await emulator(data);
    const first = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(first.counts).toMatchObject({ posted: 0, failed: 1 });
    expect(adjustments(data)).toHaveLength(0);
    const [row] = (await repositories(t.ctx.db).activityLog.list({ onlyFailed: true }, 10, 0)).rows;
    expect(row?.reason).toContain("Contract is not active on this date");
    expect(row).toMatchObject({ direction: "same", unitsBefore: 5, unitsAfter: 5, outcome: "failed" });
    const second = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(second.counts.posted).toBe(1);
    expect(adjustments(data)).toHaveLength(1);
    expect(emulatedUnits(data, 5000, PERIOD)).toBe(9);
  });

  it.each([
    ["a timeout after the PSA applied the create (the answer is lost)", "hang" as const],
    ["a garbled answer to an applied create", "malformed" as const],
    ["a 500 answer to an applied create", "500" as const],
  ])("%s: the units read back settle it, one adjustment", async (_name, kind) => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5]);
    server = await emulator(data, [{ path: "/V1.0/ContractServiceAdjustments", fault: { kind } }]);
    // A short request timeout: the hang is the client's timeout after the write.
    const psa = client(server.url, { sleep: async () => {} }, { requestTimeoutMs: 500 });
    const first = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)], { psa });
    expect(first.counts).toMatchObject({ postedByReadBack: 1, failed: 0 });
    expect(adjustments(data)).toHaveLength(1);
    const [attempt] = await repositories(t.ctx.db).postingAttempts.all();
    expect(attempt).toMatchObject({ state: "posted", confirmedBy: "read_back", targetUnits: 9 });
    const second = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(second.counts).toMatchObject({ posted: 0, same: 1 });
    expect(adjustments(data)).toHaveLength(1);
  });

  it("a run that stopped between the call and the answer is settled by reading back, never by posting again", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5, 5]);
    server = await emulator(data);
    const repos = repositories(t.ctx.db);
    // A process that died: its leases expired, its attempts pending. The PSA applied the first.
    await repos.postingAttempts.claimLeases(["5000", "5001"], "dead-process", 60_000);
    for (const i of [0, 1]) {
      const id = await repos.postingAttempts.open(
        {
          attemptKey: attemptKey(String(5000 + i), PERIOD, 9),
          kind: "post",
          undoesAttemptId: null,
          moduleKey: module.key,
          billingType: "devices",
          organizationId: null,
          contractPsaId: String(1 + i),
          contractServicePsaId: String(5000 + i),
          servicePsaId: "501",
          periodKey: PERIOD,
          unitsBefore: 5,
          targetUnits: 9,
          unitChange: 4,
          effectiveDate: "2026-11-01",
          unitPrice: "12.50",
          runId: null,
        },
        "dead-process",
        t.ctx.clock.now(),
      );
      expect(id).toBeDefined();
    }
    (data.contractServiceUnits?.[0] as { units: number }).units = 9;
    await sql`update posting_leases set expires_at = now() - interval '1 second'`.execute(t.ctx.db);
    const result = await postRun(t.ctx, server.url, module.key, [
      candidate(module.key, 0, 9),
      candidate(module.key, 1, 9),
    ]);
    expect(result.counts).toMatchObject({ resolved: 2, posted: 1, same: 1 });
    expect(adjustments(data)).toMatchObject([{ contractServiceID: 5001, unitChange: 4 }]);
    const states = (await repos.postingAttempts.all()).map((a) => [
      a.contractServicePsaId,
      a.owner,
      a.state,
      a.confirmedBy,
    ]);
    expect(states).toEqual(
      expect.arrayContaining([
        ["5000", "dead-process", "posted", "read_back"],
        ["5001", "dead-process", "not_applied", "read_back"],
        ["5001", "test-owner", "posted", "answer"],
      ]),
    );
  });

  it("a unit row it cannot read is unknown, never 0: nothing is posted for it", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5]);
    (data.contractServiceUnits?.[0] as { units: unknown }).units = "five";
    server = await emulator(data);
    const result = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(result.counts).toMatchObject({ failed: 1, posted: 0 });
    expect(adjustments(data)).toHaveLength(0);
    expect(result.lines[0]?.reason).toMatch(/could not be read/);
  });

  it("never posts into an invoiced period: a failed row says so", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5], { invoiced: [0] });
    server = await emulator(data);
    const result = await postRun(t.ctx, server.url, module.key, [candidate(module.key, 0, 9)]);
    expect(result.counts).toMatchObject({ failed: 1, posted: 0 });
    expect(adjustments(data)).toHaveLength(0);
    const [row] = (await repositories(t.ctx.db).activityLog.list({ onlyFailed: true }, 10, 0)).rows;
    expect(row?.reason).toMatch(/^period locked: 2026-11 was approved and posted \(invoiced\)/);
  });

  it("logs rows it cannot post as failed, with the reason in words, and posts nothing for them", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([5]);
    server = await emulator(data);
    const none = { contractPsaId: null, contractServicePsaId: null, servicePsaId: null };
    const result = await postRun(t.ctx, server.url, module.key, [
      candidate(module.key, 0, 3, { state: "unmapped_usage", organizationName: "Unmapped site", ...none }),
      candidate(module.key, 1, 4, { state: "no_service_mapping", billingType: "devices.printer", ...none }),
      candidate(module.key, 2, 4, { state: "no_contract", ...none }),
      candidate(module.key, 3, 4, { state: "service_not_on_contract", ...none }),
      candidate(module.key, 4, 4, { state: "stale_source" }),
    ]);
    expect(result.counts).toMatchObject({ failed: 5, posted: 0 });
    expect(result.requestCount).toBe(0);
    const reasons = (await repositories(t.ctx.db).activityLog.list({}, 10, 0)).rows.map(
      (r) => r.reason?.split(":")[0],
    );
    expect(reasons.sort()).toEqual([
      'billing type "devices.printer" has no service mapping',
      "no recurring contract",
      "service not on the contract",
      "stale source",
      "unmapped organization",
    ]);
  });

  it("stops cleanly at the hourly budget and resumes on the next run", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith([1, 1, 1, 1]);
    server = await emulator(data);
    const wanted = [0, 1, 2, 3].map((i) => candidate(module.key, i, 2));
    const first = await postRun(t.ctx, server.url, module.key, wanted, {
      config: { hourlyRequestBudget: 3, maxConcurrency: 1 },
    });
    expect(first.outcome).toBe("budget_reached");
    expect(first.counts).toMatchObject({ posted: 2, notReached: 2 });
    expect(adjustments(data)).toHaveLength(2);
    expect(await repositories(t.ctx.db).posting.requestsSpent(new Date("2026-01-15T10:00:00Z"))).toBe(3);
    t.ctx.clock.advance(3_600_000);
    const second = await postRun(t.ctx, server.url, module.key, wanted, {
      config: { hourlyRequestBudget: 3, maxConcurrency: 1 },
    });
    expect(second.outcome).toBe("completed");
    expect(second.counts).toMatchObject({ posted: 2, same: 2 });
    expect(adjustments(data)).toHaveLength(4);
  });

  it("two posting runs at once post every difference once", async () => {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith(Array.from({ length: 40 }, () => 1));
    server = await emulator(data);
    const wanted = Array.from({ length: 40 }, (_, i) => candidate(module.key, i, 3 + (i % 5)));
    // Timeouts long enough for a loaded machine: this test is about the lease, not lost answers.
    const psa = () => client(url, { sleep: async () => {} }, { requestTimeoutMs: 10_000 });
    const url = server.url;
    const [a, b] = await Promise.all([
      postRun(t.ctx, url, module.key, wanted, { owner: "process-a", psa: psa() }),
      postRun(t.ctx, url, module.key, wanted, { owner: "process-b", psa: psa() }),
    ]);
    expect(a.counts.posted + b.counts.posted + a.counts.postedByReadBack + b.counts.postedByReadBack).toBe(
      40,
    );
    const third = await postRun(t.ctx, url, module.key, wanted, { owner: "process-c", psa: psa() });
    expect(adjustments(data)).toHaveLength(40);
    expect(third.counts).toMatchObject({ posted: 0, same: 40 });
    const perService = new Map<number, number>();
    for (const adj of adjustments(data) as { contractServiceID: number }[]) {
      perService.set(adj.contractServiceID, (perService.get(adj.contractServiceID) ?? 0) + 1);
    }
    expect([...perService.values()].every((n) => n === 1)).toBe(true);
  });
});
