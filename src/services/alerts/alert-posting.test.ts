import { afterEach, describe, expect, it } from "vitest";
import { createTestChannels, useAlertReceivers } from "../../../test/support/alert-receivers.ts";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
  PERIOD,
} from "../../../test/vendors/autotask-adjustments.fixtures.ts";
import type { FaultRule, VendorServer } from "../../../test/vendors/vendor-server.ts";
import { cliActor } from "../../domain/actor.ts";
import type { PostingCandidate } from "../../domain/billing/posting.ts";
import { createServices } from "../index.ts";
import { describeAlert, digestText } from "./alert-message.ts";
import { webhookBody } from "./webhook-sender.ts";

/** Issue 14 item 1: the billing events, written by a posting run against the Autotask emulator. */
describe("alert events from posting", () => {
  const t = useTestContext();
  let server: VendorServer | undefined;
  const rx = useAlertReceivers();
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const events = (type: string) =>
    t.ctx.db
      .selectFrom("outbox_events")
      .selectAll()
      .where("type", "=", type)
      .orderBy("occurred_at")
      .execute();

  async function setUp(wanted: (moduleKey: string) => PostingCandidate[], faults: FaultRule[] = []) {
    const module = await buildModule(t.ctx.db, { key: "ninja", name: "NinjaOne" });
    // Contract service 5000 bills 5 (its first create answers 500), 5001 bills 10.
    const data = {
      ...contractsWith([5, 10]),
      adjustmentFaults: [{ fault: { kind: "500" as const, message: "Contract is not active on this date" } }],
    };
    server = await emulator(data, faults);
    const url = server.url;
    const services = createServices(t.ctx, {
      posting: {
        owner: "alert-test",
        source: { candidates: async () => wanted(module.key) },
        psa: () => client(url, { sleep: async () => {} }),
      },
      alerts: { owner: "alert-test", webhookTimeoutMs: 1500, baseRetryMs: 60_000, leaseMs: 30_000 },
    });
    t.ctx.clock.set("2026-11-20T10:00:00Z");
    await services.posting.setSwitch(cliActor, module.key, true);
    return { module, services };
  }

  it("a run with a failed row writes one posting.failed; a held decrease one posting.approval_waiting, not again while it waits", async () => {
    const { module, services } = await setUp((key) => [candidate(key, 0, 9), candidate(key, 1, 2)]);
    const first = await services.posting.post(cliActor, module.key);
    expect(first.counts).toMatchObject({ failed: 1, held: 1, posted: 0 });

    const failed = await events("posting.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({
      moduleKey: "ninja",
      moduleName: "NinjaOne",
      runId: first.runId,
      periodKey: PERIOD,
      outcome: "completed",
      failedCount: 1,
      error: null,
    });
    const reasons = (failed[0]!.data as { reasons: string[] }).reasons;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("Contract is not active on this date");

    const [approval] = await services.approvals.list({ state: "pending" }, { limit: 10, offset: 0 });
    const waiting = await events("posting.approval_waiting");
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.data).toEqual({
      approvalId: approval!.id,
      moduleKey: "ninja",
      moduleName: "NinjaOne",
      periodKey: PERIOD,
      organizationId: null,
      organizationName: "Company 1001",
      serviceName: "Managed Workstation",
      unitsBefore: 10,
      targetUnits: 2,
      reason: approval!.reason,
    });

    // The second run posts the row that failed and finds the approval still waiting: no new event.
    t.ctx.clock.advance(60_000);
    const second = await services.posting.post(cliActor, module.key);
    expect(second.counts).toMatchObject({ failed: 0, held: 1, posted: 1 });
    expect(await events("posting.failed")).toHaveLength(1);
    expect(await events("posting.approval_waiting")).toHaveLength(1);
  });

  it("a run that fails as a whole (the PSA's units cannot be read back) writes one posting.failed with its error", async () => {
    const { module, services } = await setUp(
      (key) => [candidate(key, 0, 9), candidate(key, 1, 2)],
      [
        {
          path: "/V1.0/ContractServiceUnits",
          fault: { kind: "500" as const },
          times: Number.POSITIVE_INFINITY,
        },
      ],
    );
    const run = await services.posting.post(cliActor, module.key);
    expect(run.outcome).toBe("failed");
    const failed = await events("posting.failed");
    expect(failed).toHaveLength(1);
    const data = failed[0]?.data as {
      outcome: string;
      failedCount: number;
      error: string;
      reasons: string[];
    };
    expect(data).toMatchObject({ outcome: "failed", failedCount: 2, error: run.error });
    expect(data.error).toMatch(/^could not read the PSA's units back/);
    // Both rows failed for the same reason: it is listed once.
    expect(data.reasons).toEqual([run.error]);
    expect(await events("posting.approval_waiting")).toHaveLength(0);
  });

  it("delivers both to a JSON webhook and by e-mail to a subscribed admin, with links into the posting page", async () => {
    const { module, services } = await setUp((key) => [candidate(key, 0, 9), candidate(key, 1, 2)]);
    rx.hook.received.length = 0;
    rx.hook.answer(200);
    rx.smtp.mails.length = 0;
    const admin = await services.auth.createUser(cliActor, {
      username: "ada",
      password: "correct horse battery",
      role: "admin",
    });
    await createTestChannels(services.alertChannels, rx, {
      name: "Billing hook",
      eventTypes: ["posting.failed", "posting.approval_waiting"],
    });
    const actor = { kind: "user" as const, id: admin.id, label: "user:ada", role: "admin" as const };
    const mine = await services.alertSubscriptions.replaceMine(actor, {
      email: "ada@example.test",
      digestHour: 8,
      subscriptions: [
        { eventType: "posting.failed", mode: "immediate" },
        { eventType: "posting.approval_waiting", mode: "immediate" },
      ],
    });
    expect(mine.eventTypes.map((e) => e.type)).toEqual(
      expect.arrayContaining(["posting.failed", "posting.approval_waiting"]),
    );

    const run = await services.posting.post(cliActor, module.key);
    await services.alertWorker.drain();

    const bodies = rx.hook.received.map(
      (got) => JSON.parse(got.body) as { id: string; type: string; data: Record<string, unknown> },
    );
    expect(bodies.map((b) => b.type).sort()).toEqual(["posting.approval_waiting", "posting.failed"]);
    expect(bodies.find((b) => b.type === "posting.failed")?.data).toMatchObject({
      runId: run.runId,
      failedCount: 1,
    });
    expect(bodies.find((b) => b.type === "posting.approval_waiting")?.data).toMatchObject({
      unitsBefore: 10,
      targetUnits: 2,
    });

    expect(rx.smtp.mails.map((m) => m.subject).sort()).toEqual([
      "A decrease waits for approval: Company 1001, Managed Workstation (10 -> 2)",
      "The posting run of NinjaOne ended with 1 failed row",
    ]);
    const failedMail = rx.smtp.mails.find((m) => m.subject.startsWith("The posting run"))!;
    expect(failedMail.text).toContain("Contract is not active on this date");
    expect(failedMail.text).toContain(`/posting?onlyFailed=true&runId=${run.runId}#activity-log`);
    const approvalMail = rx.smtp.mails.find((m) => m.subject.startsWith("A decrease"))!;
    expect(approvalMail.text).toContain("/posting?approval=");
    expect(approvalMail.text).toContain("#approvals");
  });
});

describe("posting events in words", () => {
  const failed = {
    id: "e1",
    type: "posting.failed",
    time: "2026-11-20T10:00:00.000Z",
    data: {
      moduleKey: "ninja",
      moduleName: "NinjaOne",
      runId: "run-1",
      periodKey: PERIOD,
      outcome: "failed",
      failedCount: 3,
      error: "could not read the PSA's units back: HTTP 503",
      reasons: ["could not read the PSA's units back: HTTP 503"],
    },
  };
  const waiting = {
    id: "e2",
    type: "posting.approval_waiting",
    time: "2026-11-20T10:00:00.000Z",
    data: {
      approvalId: "a-1",
      moduleKey: "ninja",
      moduleName: "NinjaOne",
      periodKey: PERIOD,
      organizationId: "o-1",
      organizationName: "Acme",
      serviceName: "Managed Workstation",
      unitsBefore: 10,
      targetUnits: 0,
      reason: "waiting for an admin's approval: a decrease to zero (from 10)",
    },
  };

  it("a run that failed as a whole says so, with its error and a link to its failed rows", () => {
    const message = describeAlert(failed, "https://orgmap.example");
    expect(message.title).toBe("The posting run of NinjaOne failed (3 failed rows)");
    expect(message.lines).toContain("Error: could not read the PSA's units back: HTTP 503");
    expect(message.link).toBe("https://orgmap.example/posting?onlyFailed=true&runId=run-1#activity-log");
  });

  it("Slack and Teams bodies carry the title, the reasons and the link", () => {
    const slack = JSON.parse(webhookBody("slack", failed, "https://orgmap.example")) as { text: string };
    expect(slack.text).toContain("*The posting run of NinjaOne failed (3 failed rows)*");
    expect(slack.text).toContain(
      "<https://orgmap.example/posting?onlyFailed=true&runId=run-1#activity-log|Open in orgmap>",
    );
    const teams = JSON.parse(webhookBody("teams", waiting, "https://orgmap.example")) as {
      title: string;
      text: string;
      potentialAction: { targets: { uri: string }[] }[];
    };
    expect(teams.title).toBe("A decrease waits for approval: Acme, Managed Workstation (10 -> 0)");
    expect(teams.text).toContain("Module NinjaOne, period 2026-11: units 10 -> 0.");
    expect(teams.potentialAction[0]?.targets[0]?.uri).toBe(
      "https://orgmap.example/posting?approval=a-1#approvals",
    );
  });

  it("the digest counts both kinds under their labels, with their links", () => {
    const { text } = digestText([failed, waiting, waiting], "https://orgmap.example");
    expect(text).toContain("A posting run failed or had failed rows: 1");
    expect(text).toContain("A posting decrease waits for approval: 2");
    expect(text).toContain("A decrease waits for approval: Acme, Managed Workstation (10 -> 0)");
    expect(text).toContain("https://orgmap.example/posting?approval=a-1#approvals");
  });
});
