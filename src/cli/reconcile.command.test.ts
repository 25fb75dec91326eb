import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../test/support/billing-world.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { createServices } from "../services/index.ts";
import { runReconcileCommand } from "./reconcile.command.ts";

async function run(
  services: ReturnType<typeof createServices>,
  options: Parameters<typeof runReconcileCommand>[1],
) {
  let text = "";
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  await runReconcileCommand(services, options, out);
  return text;
}

describe("orgmap reconcile", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  it("prints the period's rows as CSV or JSON, the same the API answers; a bad period is refused", async () => {
    const a = await w.organization("A", "Alpha");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "site-1");
    await w.contracts(
      psaData(
        [{ id: "s", name: "Device", price: "2.00" }],
        [{ organizationPsaId: "A", lines: [{ serviceId: "s", units: 9 }] }],
      ),
    );
    await w.serviceMapping("rmm", "devices", "s");
    await w.map(site.id, a.id, "2026-11-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-1": 7 });
    t.ctx.clock.set("2026-11-03T00:00:00Z");
    const services = createServices(t.ctx);

    const csv = parse(await run(services, { period: "2026-11", format: "csv" })) as string[][];
    expect(csv[0]?.slice(0, 3)).toEqual(["Period", "State", "Organization"]);
    expect(csv[1]).toEqual(
      expect.arrayContaining(["2026-11", "over-billed", "Alpha", "7", "9", "-2", "-4.00", "-$4.00"]),
    );
    const json = JSON.parse(await run(services, { period: "2026-11", format: "json" }));
    const api = await services.reconciliation.list(
      { period: "2026-11" },
      { sort: "attention", limit: 100, offset: 0 },
    );
    expect(json.rows).toEqual(api.items);
    // The default is the current period.
    expect(JSON.parse(await run(services, { format: "json" })).rows).toEqual(json.rows);
    await expect(run(services, { period: "2026-13", format: "csv" })).rejects.toMatchObject({
      code: "invalid_value",
    });
  });
});
