import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { createTestChannels, useAlertReceivers } from "../../../test/support/alert-receivers.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { ALERT_EVENT_TYPES, type NewAlertEvent } from "../../domain/alert-event.ts";
import { createServices } from "../index.ts";
import { signWebhook } from "./webhook-sender.ts";

/** One event of each kind, as the hooks would write them. */
const SAMPLES: NewAlertEvent[] = [
  {
    type: "module_organizations.new_unmapped",
    data: {
      moduleKey: "itglue",
      moduleName: "IT Glue",
      runId: "r1",
      count: 2,
      items: [
        { id: "a", name: "Acme" },
        { id: "b", name: "Beta" },
      ],
    },
  },
  {
    type: "organization.became_inactive",
    data: {
      runId: "r2",
      organizationId: "o1",
      name: "Acme Corp",
      before: "Customer",
      type: "Dead",
      mappedCount: 3,
    },
  },
  {
    type: "module_organizations.missing_while_mapped",
    data: {
      moduleKey: "itglue",
      moduleName: "IT Glue",
      runId: "r3",
      count: 1,
      items: [{ id: "c", name: "Gone", organizationId: "o2", organizationName: "Gone Inc" }],
    },
  },
  { type: "sync.failed", data: { runId: "r4", moduleKey: null, name: "the PSA", error: "HTTP 500" } },
  {
    type: "sync.overdue",
    data: { moduleKey: "itglue", moduleName: "IT Glue", lastSuccessAt: null, thresholdHours: 36 },
  },
  {
    type: "webhook.disabled",
    data: { channelId: "x", name: "Old hook", failures: 10, lastError: "HTTP 500" },
  },
  {
    type: "posting.failed",
    data: {
      moduleKey: "itglue",
      moduleName: "IT Glue",
      runId: "r5",
      periodKey: "2026-11",
      outcome: "completed",
      failedCount: 2,
      error: null,
      reasons: ["no recurring contract for this organization"],
    },
  },
  {
    type: "posting.approval_waiting",
    data: {
      approvalId: "a1",
      moduleKey: "itglue",
      moduleName: "IT Glue",
      periodKey: "2026-11",
      organizationId: "o1",
      organizationName: "Acme Corp",
      serviceName: "Managed Workstation",
      unitsBefore: 10,
      targetUnits: 2,
      reason: null,
    },
  },
];

describe("alert delivery worker", () => {
  const t = useTestContext();
  const rx = useAlertReceivers();

  const services = () =>
    createServices(t.ctx, {
      alerts: { owner: "test-a", webhookTimeoutMs: 1500, baseRetryMs: 60_000, leaseMs: 30_000 },
    });

  async function setUp(
    s = services(),
    hookOptions: { format?: "json" | "slack" | "teams"; maxFailures?: number } = {},
  ) {
    rx.hook.received.length = 0;
    rx.hook.answer(200);
    rx.smtp.mails.length = 0;
    const admin = await s.auth.createUser(cliActor, {
      username: "ada",
      password: "correct horse battery",
      role: "admin",
    });
    const created = await createTestChannels(s.alertChannels, rx, {
      eventTypes: [...ALERT_EVENT_TYPES],
      ...hookOptions,
    });
    const actor = { kind: "user" as const, id: admin.id, label: "user:ada", role: "admin" as const };
    return { s, admin, actor, hookChannel: created.channel, secret: created.secret };
  }

  const write = (events: NewAlertEvent[]) => repositories(t.ctx.db).outbox.insert(events, t.ctx.clock.now());

  it("delivers every kind of event to a signed JSON webhook and by e-mail to a subscribed user", async () => {
    const { s, actor, secret } = await setUp();
    await s.alertSubscriptions.replaceMine(actor, {
      email: "ada@example.test",
      digestHour: 8,
      subscriptions: ALERT_EVENT_TYPES.map((eventType) => ({ eventType, mode: "immediate" as const })),
    });
    const ids = await write(SAMPLES);
    await s.alertWorker.drain();

    expect(rx.hook.ids().sort()).toEqual([...ids].sort());
    for (const got of rx.hook.received) {
      const body = JSON.parse(got.body) as { id: string; type: string; time: string; data: unknown };
      expect(Object.keys(body).sort()).toEqual(["data", "id", "time", "type"]);
      expect(got.headers["x-orgmap-event-id"]).toBe(body.id);
      const timestamp = String(got.headers["x-orgmap-timestamp"]);
      expect(got.headers["x-orgmap-signature"]).toBe(`sha256=${signWebhook(secret!, timestamp, got.body)}`);
    }
    // ada is an admin: the disabled-webhook event reaches her too, once.
    expect(rx.smtp.mails).toHaveLength(SAMPLES.length);
    expect(rx.smtp.mails.every((m) => m.to.join() === "ada@example.test")).toBe(true);
    const subjects = rx.smtp.mails.map((m) => m.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        "2 new unmapped module organizations in IT Glue",
        "Acme Corp became Dead in the PSA",
        "The sync of the PSA failed",
        "The posting run of IT Glue ended with 2 failed rows",
        "A decrease waits for approval: Acme Corp, Managed Workstation (10 -> 2)",
      ]),
    );
    expect(rx.smtp.mails.map((m) => m.header("X-Orgmap-Event-Ids")).sort()).toEqual([...ids].sort());
    expect(await repositories(t.ctx.db).alertDeliveries.countByStatus()).toEqual({
      delivered: SAMPLES.length * 2,
    });
  });

  it("admin-only kinds (a disabled webhook, posting) are neither offered to nor sent to a user who is not an admin", async () => {
    const { s } = await setUp();
    const viewer = await s.auth.createUser(cliActor, {
      username: "vic",
      password: "correct horse battery",
      role: "editor",
    });
    const asAdmin = { kind: "user" as const, id: viewer.id, label: "user:vic", role: "admin" as const };
    const asEditor = { ...asAdmin, role: "editor" as const };
    // Subscribed to every kind while an admin ...
    await s.alertSubscriptions.replaceMine(asAdmin, {
      email: "vic@example.test",
      digestHour: 8,
      subscriptions: ALERT_EVENT_TYPES.map((eventType) => ({ eventType, mode: "immediate" as const })),
    });
    // ... then made an editor: the admin-only kinds are no longer offered, shown or accepted.
    await s.auth.updateUser(cliActor, viewer.id, { role: "editor" });
    const mine = await s.alertSubscriptions.mine(asEditor);
    const adminOnly = ["webhook.disabled", "posting.failed", "posting.approval_waiting"];
    expect(mine.eventTypes.map((e) => e.type)).toEqual(
      ALERT_EVENT_TYPES.filter((t) => !adminOnly.includes(t)),
    );
    expect(mine.subscriptions.map((x) => x.eventType)).toEqual(expect.not.arrayContaining(adminOnly));
    await expect(
      s.alertSubscriptions.replaceMine(asEditor, {
        email: "vic@example.test",
        digestHour: 8,
        subscriptions: [{ eventType: "posting.failed", mode: "immediate" }],
      }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });

    await write(SAMPLES);
    await s.alertWorker.drain();
    const subjects = rx.smtp.mails.filter((m) => m.to.join() === "vic@example.test").map((m) => m.subject);
    expect(subjects).toHaveLength(SAMPLES.length - adminOnly.length);
    expect(subjects).not.toContain("The posting run of IT Glue ended with 2 failed rows");
    expect(subjects.some((subject) => /approval|webhook/i.test(subject))).toBe(false);
  });

  it("holds digest subscriptions until the user's hour, then sends one mail with counts and links", async () => {
    const { s, actor } = await setUp();
    await s.alertSubscriptions.replaceMine(actor, {
      email: "ada@example.test",
      digestHour: 11,
      subscriptions: [
        { eventType: "module_organizations.new_unmapped", mode: "digest" },
        { eventType: "sync.failed", mode: "digest" },
      ],
    });
    await write([SAMPLES[0]!, SAMPLES[3]!, SAMPLES[3]!]);
    await s.alertWorker.drain();
    expect(rx.smtp.mails).toHaveLength(0);
    t.ctx.clock.set("2026-01-15T11:00:01Z");
    await s.alertWorker.drain();
    expect(rx.smtp.mails).toHaveLength(1);
    const raw = rx.smtp.mails[0]!.text;
    expect(rx.smtp.mails[0]!.subject).toBe("orgmap digest: 3 events");
    expect(raw).toMatch(/New unmapped module organizations after a sync: 1/);
    expect(raw).toMatch(/A sync failed: 2/);
    expect(raw).toContain("/mapping?tab=module-organizations&moduleKey=itglue");
  });

  it("Slack and Teams formats post their own shapes, with the event id in the text", async () => {
    const { s } = await setUp(services(), { format: "slack" });
    const [id] = await write([SAMPLES[1]!]);
    await s.alertWorker.drain();
    const slack = JSON.parse(rx.hook.received[0]!.body) as { text: string };
    expect(slack.text).toContain("*Acme Corp became Dead in the PSA*");
    expect(slack.text).toContain(`event ${id}`);
    expect(rx.hook.received[0]!.headers["x-orgmap-signature"]).toBeUndefined();
  });

  it("a receiver that fails is retried with backoff; after N failures in a row the webhook is disabled and admins are told", async () => {
    const { s, actor, hookChannel } = await setUp(services(), { maxFailures: 3 });
    await s.alertSubscriptions.replaceMine(actor, {
      email: "ada@example.test",
      digestHour: 8,
      subscriptions: [],
    });
    let n = 0;
    rx.hook.answer(() => (["close", 500, "hang"] as const)[n++ % 3]!);
    await write([SAMPLES[3]!]);
    await s.alertWorker.drain();
    const log = async () => (await s.alertChannels.deliveries(hookChannel.id, { limit: 10 })).items;
    expect(await log()).toEqual([
      expect.objectContaining({
        status: "pending",
        attempts: 1,
        responseCode: null,
        error: expect.stringMatching(/connection failed/),
      }),
    ]);
    expect((await log())[0]?.nextAttemptAt).toBe("2026-01-15T10:01:00.000Z");
    t.ctx.clock.advance(60_000);
    await s.alertWorker.drain();
    expect(await log()).toEqual([
      expect.objectContaining({ attempts: 2, responseCode: 500, error: "HTTP 500: receiver says no" }),
    ]);
    expect((await log())[0]?.nextAttemptAt).toBe("2026-01-15T10:03:00.000Z");
    t.ctx.clock.advance(120_000);
    await s.alertWorker.drain();
    expect((await log())[0]).toMatchObject({ attempts: 3, error: "no answer within 1500 ms" });
    const channel = await s.alertChannels.get(hookChannel.id);
    expect(channel).toMatchObject({ isEnabled: false, consecutiveFailures: 3 });
    expect(channel.disabledReason).toMatch(/disabled after 3 failures in a row/);
    // The admin (with an address, not subscribed) got the disabled-webhook alert.
    expect(rx.smtp.mails.map((m) => m.subject)).toEqual([
      'The webhook "Ops hook" was disabled after 3 failed deliveries',
    ]);
    // Disabled: nothing more is sent to it; turned on again, the pending delivery goes out.
    t.ctx.clock.advance(3_600_000);
    rx.hook.answer(200);
    const before = rx.hook.received.length;
    await s.alertWorker.drain();
    expect(rx.hook.received).toHaveLength(before);
    await s.alertChannels.update(cliActor, hookChannel.id, { isEnabled: true });
    await s.alertWorker.drain();
    expect((await log())[0]).toMatchObject({ status: "delivered", attempts: 4, responseCode: 200 });
  });

  it("gives up after 24 hours of retries", async () => {
    const { s, hookChannel } = await setUp(services(), { maxFailures: 1000 });
    rx.hook.answer(503);
    await write([SAMPLES[3]!]);
    for (let i = 0; i < 40; i++) {
      await s.alertWorker.drain();
      t.ctx.clock.advance(3_600_000);
    }
    const [row] = (await s.alertChannels.deliveries(hookChannel.id, { limit: 10 })).items;
    expect(row).toMatchObject({ status: "failed", responseCode: 503, nextAttemptAt: null });
    expect(row!.attempts).toBeLessThan(40);
  });

  it("refuses a private or loopback target unless the webhook allows it, also after DNS, and does not follow redirects", async () => {
    const { s, hookChannel } = await setUp();
    await expect(s.alertChannels.update(cliActor, hookChannel.id, { allowPrivate: false })).rejects.toThrow(
      /127\.0\.0\.1, a private or loopback address/,
    );
    // A stored URL is checked again when sent: a literal address, and a name that resolves to loopback.
    const store = (url: string) =>
      t.ctx.db
        .updateTable("alert_channels")
        .set({ settings: JSON.stringify({ url, allowPrivate: false }) })
        .where("id", "=", hookChannel.id)
        .execute();
    await store(rx.hook.url);
    expect(await s.alertChannels.sendTest(cliActor, hookChannel.id, undefined)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/127\.0\.0\.1, a private or loopback address/),
    });
    await store(rx.hook.url.replace("127.0.0.1", hostname()));
    expect(await s.alertChannels.sendTest(cliActor, hookChannel.id, undefined)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/resolves to .*private or loopback/),
    });
    expect(rx.hook.received).toHaveLength(0);
    await s.alertChannels.update(cliActor, hookChannel.id, { allowPrivate: true, url: rx.hook.url });
    rx.hook.answer(302);
    expect(await s.alertChannels.sendTest(cliActor, hookChannel.id, undefined)).toMatchObject({
      ok: false,
      statusCode: 302,
      error: expect.stringMatching(/redirect \(not followed\)/),
    });
    rx.hook.answer(204);
    expect(await s.alertChannels.sendTest(cliActor, hookChannel.id, undefined)).toMatchObject({
      ok: true,
      statusCode: 204,
    });
    // Each test is in the webhook's delivery log (the test clock stands still: one time for all).
    const log = await s.alertChannels.deliveries(hookChannel.id, { limit: 10 });
    expect(log.items.map((d) => `${d.eventType} ${d.status} ${d.responseCode}`).sort()).toEqual([
      "alerts.test delivered 204",
      "alerts.test failed 302",
      "alerts.test failed null",
      "alerts.test failed null",
    ]);
  });

  it("a worker killed mid-send leaves a lease; after it expires another worker sends the same event id again", async () => {
    const { s } = await setUp();
    const [id] = await write([SAMPLES[3]!]);
    const { fanOut } = await import("./alert-fanout.ts");
    await fanOut(t.ctx);
    // Worker A claims the delivery and "dies" (never finishes it).
    const claimed = await repositories(t.ctx.db).alertDeliveries.claim({
      owner: "dead-worker",
      leaseMs: 3_000,
      now: t.ctx.clock.now(),
      limit: 10,
      digest: false,
    });
    expect(claimed.filter((r) => r.channel_id)).toHaveLength(1);
    await s.alertWorker.drain();
    expect(rx.hook.ids()).toEqual([]);
    await new Promise((r) => setTimeout(r, 3_100));
    await s.alertWorker.drain();
    expect(rx.hook.ids()).toEqual([id]);
  });

  it("Send test reaches the SMTP server with the stored (encrypted) password, never shown", async () => {
    const { s } = await setUp();
    const email = (await s.alertChannels.list()).find((c) => c.kind === "email")!;
    expect(email).toMatchObject({ hasSecret: true });
    expect(JSON.stringify(email)).not.toContain(rx.smtp.credentials.pass);
    const row = await t.ctx.db
      .selectFrom("alert_channels")
      .select("secrets")
      .where("id", "=", email.id)
      .executeTakeFirst();
    expect(row?.secrets).toMatch(/^v1:/);
    expect(row?.secrets).not.toContain(rx.smtp.credentials.pass);
    expect(await s.alertChannels.sendTest(cliActor, email.id, "ops@example.test")).toMatchObject({
      ok: true,
      statusCode: 250,
    });
    expect(rx.smtp.mails.at(-1)?.to).toEqual(["ops@example.test"]);
    await s.alertChannels.update(cliActor, email.id, { password: "wrong-password" });
    expect(await s.alertChannels.sendTest(cliActor, email.id, "ops@example.test")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^SMTP: /),
    });
  });
});
