import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHookReceiver } from "../../test/support/alert-receivers.ts";
import { useTestApp } from "../../test/support/test-app.ts";

describe("alert routes", () => {
  const t = useTestApp();
  let hook: Awaited<ReturnType<typeof startHookReceiver>>;
  beforeAll(async () => {
    hook = await startHookReceiver();
  });
  afterAll(() => hook.close());

  it("an admin adds a webhook: the secret is shown once, never listed; a private URL needs allowPrivate", async () => {
    const admin = await t.loginAs("admin");
    const refused = await t.request(admin, {
      method: "POST",
      url: "/api/v1/alert-channels",
      payload: { kind: "webhook", name: "Ops", url: hook.url },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: "invalid_value", field: "url" });

    const created = await t.request(admin, {
      method: "POST",
      url: "/api/v1/alert-channels",
      payload: {
        kind: "webhook",
        name: "Ops",
        url: hook.url,
        allowPrivate: true,
        eventTypes: ["sync.failed"],
      },
    });
    expect(created.statusCode).toBe(201);
    const { channel, secret } = created.json() as { channel: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await t.request(admin, { method: "GET", url: "/api/v1/alert-channels" });
    expect(listed.body).not.toContain(secret);
    expect(listed.json()).toMatchObject({
      items: [{ id: channel.id, hasSecret: true, eventTypes: ["sync.failed"] }],
    });

    const test = await t.request(admin, {
      method: "POST",
      url: `/api/v1/alert-channels/${channel.id}/test`,
      payload: {},
    });
    expect(test.json()).toMatchObject({ ok: true, statusCode: 200 });
    expect(JSON.parse(hook.received.at(-1)!.body)).toMatchObject({ type: "alerts.test" });

    const log = await t.request(admin, {
      method: "GET",
      url: `/api/v1/alert-channels/${channel.id}/deliveries`,
    });
    // The test is in the delivery log, with the id the receiver saw.
    expect(log.json()).toMatchObject({
      items: [
        {
          eventId: JSON.parse(hook.received.at(-1)!.body).id,
          eventType: "alerts.test",
          status: "delivered",
          attempts: 1,
          responseCode: 200,
          nextAttemptAt: null,
        },
      ],
      nextCursor: null,
    });

    const audit = await t.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "alert_channel")
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["alert_channel.created", "alert_channel.tested"]);
    expect(JSON.stringify(audit)).not.toContain(secret);

    expect(
      (await t.request(admin, { method: "DELETE", url: `/api/v1/alert-channels/${channel.id}` })).statusCode,
    ).toBe(204);
    expect(
      (await t.request(admin, { method: "DELETE", url: `/api/v1/alert-channels/${channel.id}` })).statusCode,
    ).toBe(404);
  });

  it("the SMTP password is write-only; a second e-mail channel is a 409; bad input is a 422", async () => {
    const admin = await t.loginAs("admin");
    const payload = {
      kind: "email",
      name: "SMTP",
      host: "smtp.example.test",
      user: "u",
      password: "p4ssw0rd-secret",
      from: "orgmap@example.test",
    };
    const first = await t.request(admin, { method: "POST", url: "/api/v1/alert-channels", payload });
    expect(first.statusCode).toBe(201);
    expect(first.body).not.toContain("p4ssw0rd-secret");
    expect(
      (await t.request(admin, { method: "POST", url: "/api/v1/alert-channels", payload })).statusCode,
    ).toBe(409);
    const bad = await t.request(admin, {
      method: "POST",
      url: "/api/v1/alert-channels",
      payload: { ...payload, from: "not an address", port: 70000 },
    });
    expect(bad.statusCode).toBe(422);
  });

  it("each user keeps their own subscriptions; an API token has none", async () => {
    const viewer = await t.loginAs("viewer");
    const empty = await t.request(viewer, { method: "GET", url: "/api/v1/me/alert-subscriptions" });
    expect(empty.json()).toMatchObject({ email: null, digestHour: 8, subscriptions: [] });
    const saved = await t.request(viewer, {
      method: "PUT",
      url: "/api/v1/me/alert-subscriptions",
      payload: {
        email: "v@example.test",
        digestHour: 7,
        subscriptions: [{ eventType: "sync.failed", mode: "digest" }],
      },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({
      email: "v@example.test",
      digestHour: 7,
      subscriptions: [{ eventType: "sync.failed", mode: "digest" }],
    });
    const noAddress = await t.request(viewer, {
      method: "PUT",
      url: "/api/v1/me/alert-subscriptions",
      payload: { email: null, subscriptions: [{ eventType: "sync.failed", mode: "immediate" }] },
    });
    expect(noAddress.statusCode).toBe(422);
    const token = await t.tokenAs("admin");
    expect(
      (await t.request(token, { method: "GET", url: "/api/v1/me/alert-subscriptions" })).statusCode,
    ).toBe(400);
  });
});
