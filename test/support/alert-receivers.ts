import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll } from "vitest";
import { cliActor } from "../../src/domain/actor.ts";
import type { AlertEventType } from "../../src/domain/alert-event.ts";
import type { AlertChannelService } from "../../src/services/alerts/alert-channel.service.ts";

export interface ReceivedHook {
  headers: IncomingMessage["headers"];
  body: string;
}

/** What the receiver does with the next request: answer with a status, hang, or drop the connection. */
export type HookBehaviour = number | "hang" | "close";

/** A webhook receiver on 127.0.0.1 that records every request and answers as told. */
export async function startHookReceiver() {
  const received: ReceivedHook[] = [];
  let behaviour: HookBehaviour | ((n: number) => HookBehaviour) = 200;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const now = typeof behaviour === "function" ? behaviour(received.length) : behaviour;
      if (now === "hang") return void hanging.add(res);
      if (now === "close") return void req.socket.destroy();
      res.writeHead(now, { "content-type": "text/plain" }).end(now >= 400 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** The event ids received, in order. */
    ids: () => received.map((r) => String(r.headers["x-orgmap-event-id"])),
    answer(next: HookBehaviour | ((n: number) => HookBehaviour)) {
      behaviour = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The decoded subject and text (quoted-printable and encoded words undone), and the headers unfolded. */
  subject: string;
  text: string;
  header(name: string): string | undefined;
}

const qp = (text: string) =>
  Buffer.from(
    text
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");

/** Just enough MIME for plain-text mails from nodemailer. */
export function decodeMail(raw: string): Pick<ReceivedMail, "subject" | "text" | "header"> {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const words = (value: string) =>
    value.replace(/=\?UTF-8\?Q\?(.*?)\?=\s*/gi, (_m, text: string) => qp(text.replace(/_/g, " ")));
  const body = raw.slice(split + 4);
  const isQp = /quoted-printable/i.test(headers.get("content-transfer-encoding") ?? "");
  return {
    subject: words(headers.get("subject") ?? ""),
    text: isQp ? qp(body) : body,
    header: (name) => headers.get(name.toLowerCase()),
  };
}

/** An SMTP server in this process (no TLS, password checked): what orgmap's e-mail channel talks to in tests. */
export async function startSmtpReceiver(credentials = { user: "orgmap", pass: "smtp-password-123" }) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass) {
        return callback(null, { user: auth.username });
      }
      callback(new Error("invalid credentials"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...decodeMail(raw),
        });
        callback();
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    credentials,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type HookReceiver = Awaited<ReturnType<typeof startHookReceiver>>;
export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;

/**
 * A webhook receiver and an SMTP server for the whole describe block (started before its tests,
 * closed after); read them (`rx.hook`, `rx.smtp`) inside the tests.
 */
export function useAlertReceivers() {
  let hook: HookReceiver | undefined;
  let smtp: SmtpReceiver | undefined;
  beforeAll(async () => {
    hook = await startHookReceiver();
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await hook?.close();
    await smtp?.close();
  });
  return {
    get hook(): HookReceiver {
      return hook ?? unstarted();
    },
    get smtp(): SmtpReceiver {
      return smtp ?? unstarted();
    },
  };
}

const unstarted = (): never => {
  throw new Error("the alert receivers start in beforeAll: read them inside a test");
};

/** The test channels: an e-mail channel on the SMTP receiver and a webhook to the hook receiver. */
export async function createTestChannels(
  channels: Pick<AlertChannelService, "create">,
  receivers: { hook: HookReceiver; smtp: SmtpReceiver },
  webhook: {
    name?: string;
    eventTypes: AlertEventType[];
    format?: "json" | "slack" | "teams";
    maxFailures?: number;
  },
) {
  await channels.create(cliActor, {
    kind: "email",
    name: "Office SMTP",
    host: "127.0.0.1",
    port: receivers.smtp.port,
    tls: "none",
    user: receivers.smtp.credentials.user,
    password: receivers.smtp.credentials.pass,
    from: "orgmap@example.test",
  });
  return channels.create(cliActor, {
    kind: "webhook",
    name: webhook.name ?? "Ops hook",
    url: receivers.hook.url,
    format: webhook.format ?? "json",
    eventTypes: webhook.eventTypes,
    allowPrivate: true,
    maxFailures: webhook.maxFailures ?? 10,
  });
}
