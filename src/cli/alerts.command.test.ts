import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createTestChannels, useAlertReceivers } from "../../test/support/alert-receivers.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { createServices } from "../services/index.ts";
import { runNotifyTest, runWebhooksList } from "./alerts.command.ts";

function collect() {
  let text = "";
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

/** `orgmap notify test` and `orgmap webhooks list` (issue 14 item 6) against local receivers. */
describe("alert CLI commands", () => {
  const t = useTestContext();
  const rx = useAlertReceivers();

  async function channels() {
    const services = createServices(t.ctx, { alerts: { webhookTimeoutMs: 2_000 } });
    const webhook = await createTestChannels(services.alertChannels, rx, {
      eventTypes: ["sync.failed"],
      maxFailures: 5,
    });
    return { services, webhook };
  }

  it("notify test sends to a webhook by name and by id, and says when it failed", async () => {
    const { services, webhook } = await channels();
    rx.hook.received.length = 0;
    rx.hook.answer(200);
    const ok = collect();
    await expect(runNotifyTest(services, { channel: "Ops hook" }, ok.out)).resolves.toBe(true);
    expect(ok.text()).toMatch(/^sent: webhook "Ops hook" \(HTTP 200\) in \d+ ms\n$/);
    expect(rx.hook.received).toHaveLength(1);
    expect(JSON.parse(rx.hook.received[0]!.body)).toMatchObject({ type: "alerts.test" });

    rx.hook.answer(500);
    const failed = collect();
    await expect(runNotifyTest(services, { channel: webhook.channel.id }, failed.out)).resolves.toBe(false);
    expect(failed.text()).toContain('failed: webhook "Ops hook" (HTTP 500)');
    const log = await services.alertChannels.deliveries(webhook.channel.id, { limit: 10 });
    expect(log.items.map((d) => d.responseCode).sort()).toEqual([200, 500]);
    rx.hook.answer(200);
  });

  it("notify test sends an e-mail channel's test to --to, and refuses an unknown channel", async () => {
    const { services } = await channels();
    rx.smtp.mails.length = 0;
    const ok = collect();
    await expect(
      runNotifyTest(services, { channel: "Office SMTP", to: "ops@example.test" }, ok.out),
    ).resolves.toBe(true);
    expect(rx.smtp.mails.map((m) => m.to)).toEqual([["ops@example.test"]]);
    await expect(runNotifyTest(services, { channel: "nope" }, collect().out)).rejects.toThrow(
      'alert channel "nope" does not exist',
    );
  });

  it("webhooks list prints each webhook's state, failures, target and events, never its secret", async () => {
    const { services, webhook } = await channels();
    const lines = collect();
    await runWebhooksList(services, {}, lines.out);
    expect(lines.text().split("\n")).toEqual([
      "id\tname\tformat\tstate\tfailures\turl\tevents",
      `${webhook.channel.id}\tOps hook\tjson\tenabled\t0/5\t${rx.hook.url}\tsync.failed`,
      "",
    ]);
    const json = collect();
    await runWebhooksList(services, { json: true }, json.out);
    expect(JSON.parse(json.text())).toHaveLength(1);
    expect(json.text()).not.toContain(webhook.secret!);
  });
});
