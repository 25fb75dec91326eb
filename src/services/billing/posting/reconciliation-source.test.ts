import { afterEach, describe, expect, it } from "vitest";
import { billingWorld } from "../../../../test/support/billing-world.ts";
import { useTestContext } from "../../../../test/support/test-context.ts";
import {
  client,
  contractsWith,
  emulator,
  PERIOD,
} from "../../../../test/vendors/autotask-adjustments.fixtures.ts";
import { emulatedUnits } from "../../../../test/vendors/autotask-adjustments.server.ts";
import type { VendorServer } from "../../../../test/vendors/vendor-server.ts";
import { repositories } from "../../../db/repositories.ts";
import { cliActor } from "../../../domain/actor.ts";
import { createServices } from "../../index.ts";

/** From usage to the PSA: the reconciliation's rows feed the posting run (issue 9 -> issue 10). */
describe("posting from the reconciliation", () => {
  const t = useTestContext();
  const w = billingWorld(t);
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("posts the reconciliation's difference for the module's rows, and logs the ones it cannot post", async () => {
    const alpha = await w.organization("1000", "Alpha");
    await w.organization("1001", "Beta");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "site-alpha");
    await w.moduleOrganization("rmm", "site-unmapped", "Unmapped site");
    // The PSA as the emulator holds it, stored as the last contracts read: Alpha's contract service 5000 bills 5.
    const data = contractsWith([5]);
    await w.contracts({
      services: [{ psaId: "501", name: "Managed Workstation", unitPrice: 125_000n, isActive: true }],
      contracts: [
        {
          psaId: "1",
          organizationPsaId: "1000",
          name: "MSA",
          startDate: "2026-01-01",
          endDate: "2027-12-31",
        },
      ],
      contractServices: [{ psaId: "5000", contractPsaId: "1", servicePsaId: "501", unitPrice: 125_000n }],
      contractServiceUnits: [
        {
          psaId: "80000",
          contractPsaId: "1",
          contractServicePsaId: "5000",
          servicePsaId: "501",
          startDate: "2026-11-01",
          endDate: "2026-11-30",
          units: 5,
          approveAndPostDate: null,
        },
      ],
    });
    await w.serviceMapping("rmm", "devices", "501");
    await w.map(site.id, alpha.id, "2026-10-20T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-alpha": 8, "site-unmapped": 3 });
    t.ctx.clock.set("2026-11-02T06:00:00Z");
    server = await emulator(data);
    const url = server.url;
    const services = createServices(t.ctx, {
      posting: { owner: "e2e", psa: () => client(url, { sleep: async () => {} }) },
    });
    await services.posting.setSwitch(cliActor, "rmm", true);
    const preview = await services.posting.preview("rmm", PERIOD);
    expect(preview.lines.map((l) => [l.organizationName, l.action, l.unitsBefore, l.unitsAfter])).toEqual(
      expect.arrayContaining([
        ["Alpha", "post", 5, 8],
        ["Unmapped site", "failed", 3, null],
      ]),
    );
    const run = await services.posting.post(cliActor, "rmm", { periodKey: PERIOD });
    expect(run.counts).toMatchObject({ posted: 1, failed: 1 });
    expect(emulatedUnits(data, 5000, PERIOD)).toBe(8);
    const log = await repositories(t.ctx.db).activityLog.list({}, 10, 0);
    expect(
      log.rows.map((r) => [r.organizationName, r.direction, r.unitsBefore, r.unitsAfter, r.outcome]),
    ).toEqual([
      ["Unmapped site", "same", null, 3, "failed"],
      ["Alpha", "up", 5, 8, "posted"],
    ]);
  });
});
