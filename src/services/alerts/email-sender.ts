import nodemailer from "nodemailer";

export type SmtpTls = "tls" | "starttls" | "none";

/** The e-mail channel's settings (the password is sealed apart, in the channel's secrets). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** "tls": TLS from the first byte (465); "starttls": upgrade required (587); "none": plain (local relays only). */
  tls: SmtpTls;
  user: string | null;
  from: string;
}

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  /** The event ids the mail carries (a header, so a repeat can be recognised). */
  eventIds: string[];
}

export interface MailResult {
  ok: boolean;
  durationMs: number;
  error: string | null;
  /** The SMTP server's reply code, when it gave one. */
  statusCode: number | null;
}

export const DEFAULT_SMTP_TIMEOUT_MS = 15_000;

/** Sends one mail through the configured SMTP server. Never throws: the result says what happened. */
export async function sendMail(
  settings: SmtpSettings,
  password: string | null,
  mail: OutgoingMail,
  timeoutMs = DEFAULT_SMTP_TIMEOUT_MS,
): Promise<MailResult> {
  const started = performance.now();
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === "tls",
    requireTLS: settings.tls === "starttls",
    ignoreTLS: settings.tls === "none",
    ...(settings.user ? { auth: { user: settings.user, pass: password ?? "" } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      headers: { "X-Orgmap-Event-Ids": mail.eventIds.join(",") },
    });
    const code = Number.parseInt(String(info.response ?? "").slice(0, 3), 10);
    return {
      ok: true,
      durationMs: Math.round(performance.now() - started),
      error: null,
      statusCode: Number.isNaN(code) ? null : code,
    };
  } catch (error) {
    const e = error as { message?: string; responseCode?: number };
    // nodemailer's messages name the server and the command, never the password.
    const message = String(e.message ?? error)
      .replace(/\s+/g, " ")
      .slice(0, 300);
    return {
      ok: false,
      durationMs: Math.round(performance.now() - started),
      error: `SMTP: ${message}`,
      statusCode: e.responseCode ?? null,
    };
  } finally {
    transport.close();
  }
}
