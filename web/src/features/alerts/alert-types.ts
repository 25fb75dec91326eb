import type { Answer } from "../../api/api-client.ts";

export type AlertChannel = Answer<"GET /alert-channels">["items"][number];
export type WebhookFormat = AlertChannel["format"];
export type SmtpTls = "tls" | "starttls" | "none";

export const CHANNELS_KEY = ["alert-channels"] as const;
export const deliveriesKey = (id: string) => ["alert-channels", id, "deliveries"] as const;

export const FORMAT_LABELS: Record<WebhookFormat, string> = {
  json: "JSON (signed)",
  slack: "Slack incoming webhook",
  teams: "Microsoft Teams incoming webhook",
};

/** What the channel form edits; text fields as typed, the password only when given. */
export interface ChannelDraft {
  name: string;
  url: string;
  format: WebhookFormat;
  allowPrivate: boolean;
  maxFailures: string;
  host: string;
  port: string;
  tls: SmtpTls;
  user: string;
  password: string;
  from: string;
}

export function draftOf(channel?: AlertChannel): ChannelDraft {
  const s = (channel?.settings ?? {}) as Record<string, unknown>;
  const text = (key: string, fallback = "") => (typeof s[key] === "string" ? (s[key] as string) : fallback);
  return {
    name: channel?.name ?? "",
    url: text("url"),
    format: channel?.format ?? "json",
    allowPrivate: s.allowPrivate === true,
    maxFailures: String(channel?.maxFailures ?? 10),
    host: text("host"),
    port: typeof s.port === "number" ? String(s.port) : "587",
    tls: (text("tls", "starttls") as SmtpTls) ?? "starttls",
    user: text("user"),
    password: "",
    from: text("from"),
  };
}
