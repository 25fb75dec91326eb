import type { Writable } from "node:stream";
import type { Command } from "commander";
import { cliActor } from "../domain/actor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";
import { say, withRuntime } from "./runtime.ts";

type AlertServices = Pick<Services, "alertChannels">;

/** A channel by its id, or by its exact name when that names one channel only. */
async function findChannel(services: AlertServices, idOrName: string) {
  const channels = await services.alertChannels.list();
  const byId = channels.find((c) => c.id === idOrName);
  if (byId) return byId;
  const named = channels.filter((c) => c.name === idOrName);
  if (named.length > 1) {
    throw new AppError("conflict", `${named.length} channels are named "${idOrName}"; give the id`, {
      details: { ids: named.map((c) => c.id) },
    });
  }
  if (!named[0]) throw notFound("alert channel", idOrName);
  return named[0];
}

/**
 * `orgmap notify test CHANNEL [--to ADDRESS]`: sends the same test as the web app's "Send test"
 * (a webhook's test lands in its delivery log); prints one line and fails (exit 1) when it did not
 * arrive.
 */
export async function runNotifyTest(
  services: AlertServices,
  options: { channel: string; to?: string | undefined },
  out: Writable,
): Promise<boolean> {
  const channel = await findChannel(services, options.channel);
  const result = await services.alertChannels.sendTest(cliActor, channel.id, options.to);
  const code = "statusCode" in result && result.statusCode !== null ? ` (HTTP ${result.statusCode})` : "";
  out.write(
    result.ok
      ? `sent: ${channel.kind} "${channel.name}"${code} in ${result.durationMs} ms\n`
      : `failed: ${channel.kind} "${channel.name}"${code}: ${result.error ?? "no answer"}\n`,
  );
  return result.ok;
}

/** `orgmap webhooks list`: one tab-separated line per webhook (or JSON), never a secret. */
export async function runWebhooksList(
  services: AlertServices,
  options: { json?: boolean | undefined },
  out: Writable,
): Promise<void> {
  const hooks = (await services.alertChannels.list()).filter((c) => c.kind === "webhook");
  if (options.json) {
    out.write(`${JSON.stringify(hooks, null, 2)}\n`);
    return;
  }
  out.write("id\tname\tformat\tstate\tfailures\turl\tevents\n");
  for (const hook of hooks) {
    const state = hook.isEnabled
      ? "enabled"
      : `disabled${hook.disabledReason ? `: ${hook.disabledReason}` : ""}`;
    const events = hook.eventTypes.length === 0 ? "all" : hook.eventTypes.join(",");
    out.write(
      `${hook.id}\t${hook.name}\t${hook.format}\t${state}\t${hook.consecutiveFailures}/${hook.maxFailures}\t${String(hook.settings.url ?? "")}\t${events}\n`,
    );
  }
  if (hooks.length === 0)
    say("no webhooks (add one in the web app's Alerts page or with POST /api/v1/alert-channels)");
}

export function registerAlertCommands(program: Command): void {
  program
    .command("notify")
    .description("alert channels")
    .command("test")
    .description("send a test message through an alert channel (its id or name); exit 1 when it failed")
    .argument("<channel>", "the channel's id or name")
    .option("--to <address>", "the address an e-mail channel's test goes to")
    .action((channel: string, options: { to?: string }) =>
      withRuntime(async (_ctx, services) => {
        const ok = await runNotifyTest(services, { channel, to: options.to }, process.stdout);
        if (!ok) process.exitCode = 1;
      }),
    );
  program
    .command("webhooks")
    .description("alert webhooks")
    .command("list")
    .description("list the webhooks: state, consecutive failures, target, events (never a secret)")
    .option("--json", "the API's channel shape instead of lines")
    .action((options: { json?: boolean }) =>
      withRuntime((_ctx, services) => runWebhooksList(services, options, process.stdout)),
    );
}
