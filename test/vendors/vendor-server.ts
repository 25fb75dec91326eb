import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One HTTP fault the emulator can inject instead of the normal answer. */
export type Fault =
  /** 429 with an optional Retry-After header (seconds or an HTTP date). */
  | { kind: "429"; retryAfter?: string }
  /** 500 (or another status) with the vendor's own error body. */
  | { kind: "500"; status?: number; message?: string }
  /** 200 with a body that is not valid JSON. */
  | { kind: "malformed" }
  /** Headers never sent: the request hangs until the client gives up. */
  | { kind: "hang" }
  /** Headers sent, then the body stalls half-way. */
  | { kind: "hang-body" }
  /** The connection is cut without an answer. */
  | { kind: "reset" };

export interface FaultRule {
  fault: Fault;
  /** 1-based page of the list endpoint this rule applies to; omitted: any request. */
  page?: number;
  /** Only requests whose path starts with this (e.g. "/auth"); omitted: list requests. */
  path?: string;
  /** With `path`: only requests whose path is exactly it (a create, not its query below it). */
  exact?: boolean;
  /** How many times the rule fires; default 1, `Infinity` for always. */
  times?: number;
  /**
   * Matching requests let through before the rule fires (default 0): a sync run that reads the same
   * endpoint twice (SaaS Protection's domains: organizations, then usage) faults its second read.
   */
  skip?: number;
}

/** Replaces the record at `index` (0-based, in generation order) with a broken one. */
export interface RecordFault {
  index: number;
  kind: "no-id" | "no-name" | "duplicate-id" | "long-name";
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The list page this request asked for, when it was a list request. */
  page?: number;
  /** The fault injected into this request, if any. */
  fault?: Fault["kind"];
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value, serialized by the server. */
  json?: unknown;
  /** Pieces written one by one, so a huge body is never held as one string. */
  chunks?: Iterable<string>;
  /** The list page this reply answers, so page-scoped faults can target it. */
  page?: number;
}

export interface VendorServer {
  /** Base URL, e.g. http://127.0.0.1:43817 (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface VendorServerOptions {
  faults?: FaultRule[];
  /** The vendor's error body for a status, e.g. Autotask's `{"errors":[...]}`. */
  errorBody: (status: number, message: string) => unknown;
  /** Answers one request; `baseUrl` is the server's own URL (for next page links). */
  route: (request: RecordedRequest, baseUrl: string) => Reply;
}

/** Starts a local emulated vendor API on 127.0.0.1 and a free port. */
export async function startVendorServer(options: VendorServerOptions): Promise<VendorServer> {
  const requests: RecordedRequest[] = [];
  const rules = (options.faults ?? []).map((rule) => ({
    ...rule,
    left: rule.times ?? 1,
    toSkip: rule.skip ?? 0,
  }));
  let baseUrl = "";

  const takeFault = (request: RecordedRequest, page: number | undefined): Fault | null => {
    for (const rule of rules) {
      if (rule.left <= 0) continue;
      const pathMatches =
        rule.path === undefined
          ? page !== undefined
          : rule.exact
            ? request.path === rule.path
            : request.path.startsWith(rule.path);
      if (!pathMatches) continue;
      if (rule.page !== undefined && rule.page !== page) continue;
      if (rule.toSkip > 0) {
        rule.toSkip -= 1;
        continue;
      }
      rule.left -= 1;
      return rule.fault;
    }
    return null;
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", baseUrl);
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      requests.push(request);
      let reply: Reply;
      try {
        reply = options.route(request, baseUrl);
      } catch (error) {
        reply = { status: 500, json: options.errorBody(500, String(error)) };
      }
      request.page = reply.page;
      const fault = takeFault(request, reply.page);
      if (fault) {
        request.fault = fault.kind;
        sendFault(res, fault, options.errorBody);
        return;
      }
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests keep their sockets open; cut them so close() returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.chunks) {
    for (const chunk of reply.chunks) res.write(chunk);
    res.end();
    return;
  }
  res.end(reply.json === undefined ? "" : JSON.stringify(reply.json));
}

function sendFault(res: ServerResponse, fault: Fault, errorBody: VendorServerOptions["errorBody"]): void {
  switch (fault.kind) {
    case "429":
      send(res, {
        status: 429,
        headers: fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter },
        json: errorBody(429, "Rate limit exceeded"),
      });
      return;
    case "500":
      send(res, {
        status: fault.status ?? 500,
        json: errorBody(fault.status ?? 500, fault.message ?? "Internal server error (emulated)"),
      });
      return;
    case "malformed":
      send(res, { status: 200, chunks: ['{"items": [{"id": 1, "name": "Trunc'] });
      return;
    case "hang":
      return;
    case "hang-body":
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"items": [');
      return;
    case "reset":
      res.socket?.destroy();
      return;
  }
}

/** The value a deterministic generator puts into a broken record. */
export function longName(): string {
  return "N".repeat(10_000);
}

/** Looks up the record fault for a generated record, if any. */
export function recordFaultAt(faults: readonly RecordFault[] | undefined, index: number): RecordFault | null {
  return faults?.find((fault) => fault.index === index) ?? null;
}

/** Parses `Authorization: Basic ...` into user and password, or null. */
export function basicAuth(header: string | string[] | undefined): { user: string; password: string } | null {
  if (typeof header !== "string" || !header.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
