import { type ConnectorDeps, ConnectorError, type ReadFailureCode } from "../connector.ts";
import { clip, redactSecrets } from "./redact.ts";
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "./retry-policy.ts";

export interface HttpClientOptions {
  /** Vendor name used in every error message ("Autotask", "IT Glue", ...). */
  vendor: string;
  requestTimeoutMs: number;
  totalTimeoutMs: number;
  maxAttempts: number;
  /** Values that must never appear in an error message (API keys, passwords, tokens). */
  secrets: readonly string[];
  baseDelayMs?: number;
  maxDelayMs?: number;
  deps?: ConnectorDeps;
}

export interface HttpRequest {
  method?: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

type Attempt =
  | { kind: "ok"; body: unknown }
  | { kind: "retry"; problem: string; shown?: string; retryAfterMs: number | null; code: ReadFailureCode };

/** Waits with setTimeout, and stops waiting when the signal aborts. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * One bounded read of a vendor API. Every request made through a session shares one deadline
 * (`totalTimeoutMs` from the session's start), so a vendor that keeps answering 429 or hanging
 * cannot hold a sync open forever. Requests are retried on 429, 408, 5xx, network errors and
 * timeouts, with backoff that honours Retry-After; anything else fails at once.
 */
export class HttpSession {
  readonly deadlineAt: number;
  private readonly secrets: string[];
  private readonly fetch: typeof globalThis.fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly startedAt: number;

  constructor(
    private readonly options: HttpClientOptions,
    private readonly signal?: AbortSignal,
  ) {
    const deps = options.deps ?? {};
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.secrets = [...options.secrets];
    this.startedAt = this.now();
    this.deadlineAt = this.startedAt + options.totalTimeoutMs;
  }

  /** Adds a value obtained during the run (an OAuth token) to what is redacted from messages. */
  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  /** Sends a request and returns its parsed JSON body; throws ConnectorError when it cannot. */
  async requestJson(request: HttpRequest): Promise<unknown> {
    const { vendor, maxAttempts } = this.options;
    let lastProblem = "no attempt made";
    // What users may read of the last problem: without the vendor's text (the log has it all).
    let lastShown = lastProblem;
    let lastCode: ReadFailureCode = "timeout";
    for (let attempt = 1; ; attempt++) {
      this.throwIfCancelled();
      const remaining = this.deadlineAt - this.now();
      if (remaining <= 0) throw this.timeLimitError(lastProblem, lastShown, attempt - 1, lastCode);
      const outcome = await this.attempt(request, Math.min(this.options.requestTimeoutMs, remaining));
      if (outcome.kind === "ok") return outcome.body;
      lastProblem = outcome.problem;
      lastShown = outcome.shown ?? outcome.problem;
      lastCode = outcome.code;
      if (attempt >= maxAttempts) {
        throw this.error(`${vendor}: ${lastProblem}; gave up after ${attempt} attempts`, {
          attempts: attempt,
          code: lastCode,
          summary: `${vendor}: ${lastShown}; gave up after ${attempt} attempts`,
        });
      }
      const delay =
        outcome.retryAfterMs ??
        backoffDelay(
          attempt,
          { baseDelayMs: this.options.baseDelayMs ?? 500, maxDelayMs: this.options.maxDelayMs ?? 30_000 },
          this.random,
        );
      if (this.now() + delay > this.deadlineAt) {
        const wait = outcome.retryAfterMs === null ? "" : ` (the vendor asked to wait ${seconds(delay)})`;
        throw this.timeLimitError(`${lastProblem}${wait}`, `${lastShown}${wait}`, attempt, lastCode);
      }
      try {
        await this.sleep(delay, this.signal);
      } catch {
        this.throwIfCancelled();
      }
    }
  }

  private async attempt(request: HttpRequest, timeoutMs: number): Promise<Attempt> {
    const method = request.method ?? "GET";
    const where = `${method} ${describeUrl(request.url)}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    let status: number;
    let retryAfter: string | null;
    let location: string | null;
    let text: string;
    try {
      const response = await this.fetch(request.url, {
        method,
        headers: request.headers,
        body: request.body,
        signal,
        // Never follow a redirect: it would carry the credentials to wherever it points.
        redirect: "manual",
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      location = response.headers.get("location");
      // The body is read under the same signal: a server that sends headers and then stalls times out too.
      text = await response.text();
    } catch (error) {
      this.throwIfCancelled();
      if (timeout.aborted) {
        return {
          kind: "retry",
          problem: `no answer within ${timeoutMs} ms to ${where}`,
          retryAfterMs: null,
          code: "timeout",
        };
      }
      return {
        kind: "retry",
        problem: `network error on ${where}: ${describeCause(error)}`,
        retryAfterMs: null,
        code: "unreachable",
      };
    }
    if (isRetryableStatus(status)) {
      return {
        kind: "retry",
        problem: `HTTP ${status} from ${where}${vendorText(text)}`,
        shown: `HTTP ${status} from ${where}`,
        retryAfterMs: parseRetryAfter(retryAfter, this.now()),
        code: status === 429 ? "rate_limited" : "vendor_error",
      };
    }
    if (status >= 300 && status < 400) {
      throw this.error(
        `${this.options.vendor}: HTTP ${status} from ${where}: redirected to ${clip(location ?? "?", 160)}; check the base URL`,
        {
          status,
          url: request.url,
          code: "refused",
          summary: `${this.options.vendor}: HTTP ${status} from ${where} (a redirect); check the base URL`,
        },
      );
    }
    if (status < 200 || status > 299) {
      throw this.error(`${this.options.vendor}: HTTP ${status} from ${where}${vendorText(text)}`, {
        status,
        url: request.url,
        code: status === 401 || status === 403 ? "unauthorized" : "refused",
        summary: `${this.options.vendor}: HTTP ${status} from ${where}`,
      });
    }
    try {
      return { kind: "ok", body: text === "" ? null : JSON.parse(text) };
    } catch (error) {
      // Not retried: a 200 with a broken body is usually a proxy or login page, which will not heal.
      throw this.error(
        `${this.options.vendor}: malformed JSON from ${where} (${describeCause(error)}): ${clip(text, 120)}`,
        {
          status,
          url: request.url,
          code: "bad_response",
          summary: `${this.options.vendor}: HTTP ${status} from ${where} is not JSON`,
        },
      );
    }
  }

  private throwIfCancelled(): void {
    if (this.signal?.aborted)
      throw this.error(`${this.options.vendor}: read cancelled`, { code: "cancelled" });
  }

  private timeLimitError(
    lastProblem: string,
    lastShown: string,
    attempts: number,
    code: ReadFailureCode,
  ): ConnectorError {
    const limit = seconds(this.options.totalTimeoutMs);
    const gaveUp = `${this.options.vendor}: gave up after the time limit of ${limit} for one sync; last problem: `;
    return this.error(`${gaveUp}${lastProblem}`, { attempts, code, summary: `${gaveUp}${lastShown}` });
  }

  /** Every message passes through here, so no secret can leak into a ConnectorError. */
  private error(message: string, details: ConnectorError["details"]): ConnectorError {
    const url = details.url === undefined ? undefined : redactSecrets(details.url, this.secrets);
    const summary = details.summary === undefined ? undefined : redactSecrets(details.summary, this.secrets);
    return new ConnectorError(redactSecrets(message, this.secrets), {
      ...details,
      ...(url === undefined ? {} : { url }),
      ...(summary === undefined ? {} : { summary }),
    });
  }
}

/** Starts a session: call once per fetchAll so the deadline covers one whole read. */
export function startHttpSession(options: HttpClientOptions, signal?: AbortSignal): HttpSession {
  return new HttpSession(options, signal);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return clip(`${parsed.pathname}${parsed.search}`, 160);
  } catch {
    return clip(url, 160);
  }
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** Pulls the vendor's own words out of an error body: `{"errors":[...]}`, `{"message":...}` or text. */
export function vendorText(body: string): string {
  if (body.trim() === "") return "";
  let words = body;
  try {
    const parsed: unknown = JSON.parse(body);
    words = extractMessages(parsed) ?? body;
  } catch {
    // Not JSON: the raw text (clipped) is the best we have.
  }
  return `: ${clip(words)}`;
}

function extractMessages(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    const parts = record.errors.map((item) => {
      if (typeof item === "string") return item;
      const entry = (item ?? {}) as Record<string, unknown>;
      return [entry.title, entry.detail, entry.message].filter((x) => typeof x === "string").join(": ");
    });
    return parts.filter((part) => part !== "").join("; ") || null;
  }
  for (const key of ["message", "error_description", "error", "Message"]) {
    if (typeof record[key] === "string") return record[key];
  }
  return null;
}
