import { afterEach, describe, expect, it } from "vitest";
import { buildModule } from "../../../../test/support/factories.ts";
import { useTestContext } from "../../../../test/support/test-context.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
  PERIOD,
} from "../../../../test/vendors/autotask-adjustments.fixtures.ts";
import { emulatedUnits } from "../../../../test/vendors/autotask-adjustments.server.ts";
import type { VendorServer } from "../../../../test/vendors/vendor-server.ts";
import { repositories } from "../../../db/repositories.ts";
import { cliActor } from "../../../domain/actor.ts";
import type { PostingCandidate } from "../../../domain/billing/posting.ts";
import { createServices } from "../../index.ts";
import { undoAdjustment } from "./posting-undo.ts";

/** Rules 16 and 17 through the services: the switch, approvals, the activity log, retry and undo. */
describe("posting services", () => {
  const t = useTestContext();
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp(units: number[], wanted: (moduleKey: string) => PostingCandidate[]) {
    const module = await buildModule(t.ctx.db);
    const data = contractsWith(units);
    server = await emulator(data);
    const url = server.url;
    let candidates = wanted(module.key);
    const services = createServices(t.ctx, {
      posting: {
        owner: "service-test",
        source: { candidates: async () => candidates },
        psa: () => client(url, { sleep: async () => {} }),
      },
    });
    t.ctx.clock.set("2026-11-20T10:00:00Z");
    return { module, data, services, setWanted: (next: PostingCandidate[]) => (candidates = next) };
  }

  it("posts nothing while the module's switch is off (the default); the preview reads and writes nothing", async () => {
    const { module, data, services } = await setUp([5, 10], (key) => [
      candidate(key, 0, 8),
      candidate(key, 1, 2),
    ]);
    expect((await services.posting.switches()).find((s) => s.moduleKey === module.key)?.isEnabled).toBe(
      false,
    );
    await expect(services.posting.post(cliActor, module.key)).rejects.toMatchObject({ code: "conflict" });
    const preview = await services.posting.preview(module.key);
    expect(preview.periodKey).toBe(PERIOD);
    expect(
      preview.lines.map((l) => [l.organizationName, l.action, l.unitsBefore, l.unitsAfter, l.money]),
    ).toEqual([
      ["Company 1000", "post", 5, 8, "37.50"],
      ["Company 1001", "held", 10, 2, "-100.00"],
    ]);
    expect(preview.totals.find((x) => x.action === "post")).toEqual({
      action: "post",
      rows: 1,
      units: 3,
      money: "37.50",
    });
    expect(data.contractServiceAdjustments ?? []).toHaveLength(0);
    const repos = repositories(t.ctx.db);
    expect((await repos.activityLog.list({}, 10, 0)).total).toBe(0);
    expect(await repos.postingApprovals.list({}, 10, 0)).toEqual([]);
  });

  it("holds a large decrease until an admin approves it, then posts that change once; audited", async () => {
    const { module, data, services } = await setUp([5, 10], (key) => [
      candidate(key, 0, 8),
      candidate(key, 1, 2),
    ]);
    await services.posting.setSwitch(cliActor, module.key, true);
    const first = await services.posting.post(cliActor, module.key);
    expect(first.counts).toMatchObject({ posted: 1, held: 1 });
    const [held] = await services.approvals.list({ state: "pending" }, { limit: 10, offset: 0 });
    expect(held).toMatchObject({ unitsBefore: 10, targetUnits: 2, organizationName: "Company 1001" });
    expect(held?.reason).toBe("waiting for an admin's approval: a decrease by more than 50% (from 10 to 2)");
    // A second run keeps the same approval, posts nothing more.
    await services.posting.post(cliActor, module.key);
    expect(await services.approvals.list({}, { limit: 10, offset: 0 })).toHaveLength(1);
    await services.approvals.decide(cliActor, held!.id, "approved");
    await expect(services.approvals.decide(cliActor, held!.id, "rejected")).rejects.toMatchObject({
      code: "conflict",
    });
    const third = await services.posting.post(cliActor, module.key);
    expect(third.counts).toMatchObject({ posted: 1, same: 1 });
    expect(emulatedUnits(data, 5001, PERIOD)).toBe(2);
    expect(data.contractServiceAdjustments).toHaveLength(2);
    expect((await repositories(t.ctx.db).postingApprovals.find(held!.id))?.state).toBe("posted");
    const audit = await services.audit.list(cliActor, {}, { limit: 20 });
    expect(audit.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["posting.enabled", "posting.approved"]),
    );
  });

  it("a rejected decrease stays held and is not asked again", async () => {
    const { module, data, services } = await setUp([10], (key) => [candidate(key, 0, 0)]);
    await services.posting.setSwitch(cliActor, module.key, true);
    await services.posting.post(cliActor, module.key);
    const [held] = await services.approvals.list({ state: "pending" }, { limit: 10, offset: 0 });
    await services.approvals.decide(cliActor, held!.id, "rejected");
    const again = await services.posting.post(cliActor, module.key);
    expect(again.lines[0]?.reason).toBe("rejected by an admin: a decrease to zero (from 10)");
    expect(await services.approvals.list({ state: "pending" }, { limit: 10, offset: 0 })).toEqual([]);
    expect(data.contractServiceAdjustments ?? []).toHaveLength(0);
  });

  it("lists only failed rows on request, exports formula-safe CSV, and retries a failed row once its cause is fixed", async () => {
    const { module, data, services, setWanted } = await setUp([5], (key) => [
      candidate(key, 0, 8, {
        state: "no_contract",
        organizationName: "=HYPERLINK(evil)",
        contractPsaId: null,
        contractServicePsaId: null,
      }),
    ]);
    await services.posting.setSwitch(cliActor, module.key, true);
    await services.posting.post(cliActor, module.key);
    const failed = await services.activityLog.list({ onlyFailed: true }, { limit: 10, offset: 0 });
    expect(failed.rows).toHaveLength(1);
    expect(failed.rows[0]?.reason).toMatch(/^no recurring contract/);
    const csv = await services.activityLog.csv({ onlyFailed: true });
    expect(csv.split("\n")[0]).toBe(
      "day,module,billingType,organization,contract,service,period,change,unitsBefore,unitsAfter,unitPrice,outcome,reason",
    );
    expect(csv).toContain("'=HYPERLINK(evil)");
    // The contract is put in place: the retry posts it.
    setWanted([candidate(module.key, 0, 8, { organizationName: "=HYPERLINK(evil)" })]);
    const retried = await services.activityLog.retry(cliActor, failed.rows[0]!.id);
    expect(retried.counts.posted).toBe(1);
    expect(emulatedUnits(data, 5000, PERIOD)).toBe(8);
    expect((await services.activityLog.list({ onlyFailed: true }, { limit: 10, offset: 0 })).rows).toEqual(
      [],
    );
    await expect(services.activityLog.retry(cliActor, failed.rows[0]!.id)).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("undoes a posted adjustment by a compensating one, once", async () => {
    const { module, data, services } = await setUp([5], (key) => [candidate(key, 0, 8)]);
    await services.posting.setSwitch(cliActor, module.key, true);
    await services.posting.post(cliActor, module.key);
    const [posted] = await repositories(t.ctx.db).postingAttempts.all();
    const undone = await undoAdjustment(t.ctx, services.posting, cliActor, posted!.id);
    expect(undone).toMatchObject({ outcome: "posted", unitsBefore: 8, unitsAfter: 5 });
    expect(data.contractServiceAdjustments?.map((a) => a.unitChange)).toEqual([3, -3]);
    await expect(undoAdjustment(t.ctx, services.posting, cliActor, posted!.id)).rejects.toMatchObject({
      code: "conflict",
    });
    const audit = await services.audit.list(cliActor, {}, { limit: 20 });
    expect(audit.items.map((e) => e.action)).toContain("posting.undone");
  });
});
