import type { AlertChannelRow } from "../../db/alert-schema.ts";
import type { SecretBox } from "../secret-box.ts";
import type { SmtpSettings } from "./email-sender.ts";
import type { WebhookTarget } from "./webhook-sender.ts";

/** Each channel's sealed value is bound to its row: a value copied to another channel does not open. */
export const channelSecretContext = (id: string) => `alert-channel:${id}`;

export function sealChannelSecret(box: SecretBox, id: string, secret: string | null): string | null {
  return secret === null ? null : box.seal({ secret }, channelSecretContext(id));
}

export function openChannelSecret(
  box: SecretBox,
  channel: Pick<AlertChannelRow, "id" | "secrets">,
): string | null {
  if (!channel.secrets) return null;
  const value = box.open(channel.secrets, channelSecretContext(channel.id)).secret;
  return typeof value === "string" ? value : null;
}

export function smtpSettingsOf(channel: AlertChannelRow): SmtpSettings {
  const s = channel.settings as Partial<SmtpSettings>;
  return {
    host: String(s.host ?? ""),
    port: Number(s.port ?? 587),
    tls: s.tls ?? "starttls",
    user: s.user ?? null,
    from: String(s.from ?? ""),
  };
}

export function webhookTargetOf(box: SecretBox, channel: AlertChannelRow): WebhookTarget {
  const s = channel.settings as { url?: string; allowPrivate?: boolean };
  return {
    url: String(s.url ?? ""),
    format: channel.format,
    secret: channel.format === "json" ? openChannelSecret(box, channel) : null,
    allowPrivate: s.allowPrivate === true,
  };
}
