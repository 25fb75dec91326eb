import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { WebhookFormat } from "../../db/alert-schema.ts";
import { type AlertEnvelope, type AlertMessage, describeAlert } from "./alert-message.ts";
import { BlockedTargetError, checkLiteralHost, guardedLookup } from "./safe-target.ts";

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  /** The signing secret (JSON format). */
  secret: string | null;
  allowPrivate: boolean;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** What went wrong, in words (no secret, no more than a short part of the answer). */
  error: string | null;
}

export interface SendOptions {
  timeoutMs?: number;
  /** The web app's URL (links in Slack and Teams messages). */
  baseUrl: string;
  now?: () => Date;
}

/** Response bodies are read up to this many bytes (an error message), the rest is dropped. */
export const MAX_RESPONSE_BYTES = 4096;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** HMAC-SHA256 over `timestamp + "." + body`, hex: what `X-Orgmap-Signature: sha256=<hex>` carries. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The body each format posts. JSON: the envelope itself; Slack and Teams: their incoming-webhook shapes. */
export function webhookBody(format: WebhookFormat, event: AlertEnvelope, baseUrl: string): string {
  if (format === "json") return JSON.stringify(event);
  const message: AlertMessage = describeAlert(event, baseUrl);
  if (format === "slack") {
    return JSON.stringify({
      text: [
        `*${message.title}*`,
        ...message.lines,
        `<${message.link}|Open in orgmap>`,
        `_event ${event.id}_`,
      ].join("\n"),
    });
  }
  return JSON.stringify({
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: message.title,
    title: message.title,
    text: [...message.lines, `event ${event.id}`].join("\n\n"),
    potentialAction: [
      { "@type": "OpenUri", name: "Open in orgmap", targets: [{ os: "default", uri: message.link }] },
    ],
  });
}

/**
 * Posts one event to a webhook: signed, no redirect followed, the answer read up to 4 KB, the whole
 * exchange bounded by a timeout. Never throws: the result says what happened.
 */
export async function sendWebhook(
  target: WebhookTarget,
  event: AlertEnvelope,
  options: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    ok: error === null,
    statusCode,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  let url: URL;
  try {
    url = new URL(target.url);
    if (url.protocol !== "https:" && url.protocol !== "http:")
      return done(null, "the URL must be http or https");
    checkLiteralHost(url, target.allowPrivate);
  } catch (error) {
    return done(null, error instanceof BlockedTargetError ? error.message : "the URL is not valid");
  }
  const body = webhookBody(target.format, event, options.baseUrl);
  const timestamp = String(Math.floor((options.now?.() ?? new Date()).getTime() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "user-agent": "orgmap-webhook/1",
    "x-orgmap-event-id": event.id,
    "x-orgmap-event-type": event.type,
    "x-orgmap-timestamp": timestamp,
  };
  if (target.secret) headers["x-orgmap-signature"] = `sha256=${signWebhook(target.secret, timestamp, body)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(statusCode, error));
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method: "POST", headers, lookup: guardedLookup(target.allowPrivate) }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) res.destroy();
      });
      const end = () => {
        if (status >= 200 && status < 300) return finish(status, null);
        const text = Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
        const what = status >= 300 && status < 400 ? "a redirect (not followed)" : `HTTP ${status}`;
        finish(status, `${what}${text ? `: ${text}` : ""}`);
      };
      res.on("end", end);
      res.on("close", end);
      res.on("error", end);
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(null, `no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    req.on("error", (error) => {
      finish(
        null,
        error instanceof BlockedTargetError ? error.message : `connection failed: ${error.message}`,
      );
    });
    req.end(body);
  });
}
