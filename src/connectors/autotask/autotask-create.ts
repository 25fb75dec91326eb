import { type ConnectorDeps, ConnectorError } from "../connector.ts";
import { realSleep } from "../http/http-client.ts";
import { clip, redactSecrets } from "../http/redact.ts";
import { backoffDelay, parseRetryAfter } from "../http/retry-policy.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";
import { AUTOTASK_VENDOR, asObject, autotaskHeaders } from "./autotask-rest.ts";

export type AutotaskCreateAnswer =
  | { kind: "created"; itemId: string; answer: string }
  | { kind: "failed"; message: string; mayBeApplied: boolean };

/**
 * Sends one Autotask create (POST /V1.0/<Entity>), whose answer is `{"itemId": N}`. Never
 * repeated blindly: only a 429 (refused before processing) is sent again, within the attempts and
 * the deadline. A 4xx is a refusal (not applied); a timeout, a cut connection, a 5xx or a garbled
 * answer may have been applied (`mayBeApplied`): the caller looks before it sends again.
 * (AutotaskAdjustmentsClient.createAdjustment has the same loop for ContractServiceAdjustments.)
 */
export async function sendAutotaskCreate(request: {
  url: string;
  body: string;
  settings: AutotaskSettings;
  secrets: AutotaskSecrets;
  deps: ConnectorDeps;
  deadlineAt: number;
  secretValues: readonly string[];
  signal?: AbortSignal;
}): Promise<AutotaskCreateAnswer> {
  const { settings, deps } = request;
  const fetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const failed = (message: string, mayBeApplied: boolean): AutotaskCreateAnswer => ({
    kind: "failed",
    message: redactSecrets(
      new ConnectorError(`${AUTOTASK_VENDOR}: ${message}`).message,
      request.secretValues,
    ),
    mayBeApplied,
  });
  for (let attempt = 1; ; attempt++) {
    const remaining = request.deadlineAt - now();
    if (remaining <= 0) return failed("the session's time limit was reached before the create", false);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const timeout = AbortSignal.timeout(Math.min(settings.requestTimeoutMs, remaining));
      const response = await fetch(request.url, {
        method: "POST",
        headers: autotaskHeaders(request.secrets),
        body: request.body,
        signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
        redirect: "manual",
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      return failed(`no answer to the create (${(error as Error).message})`, true);
    }
    if (status === 429) {
      const wait =
        parseRetryAfter(retryAfter, now()) ??
        backoffDelay(attempt, { baseDelayMs: 500, maxDelayMs: 30_000 }, deps.random ?? Math.random);
      if (attempt >= settings.maxAttempts || now() + wait > request.deadlineAt) {
        return failed(`HTTP 429 (rate limited) after ${attempt} attempts`, false);
      }
      await sleep(wait, request.signal);
      continue;
    }
    if (status >= 300 && status < 500) return failed(`HTTP ${status}: ${errorWords(text)}`, false);
    if (status < 200 || status > 299) return failed(`HTTP ${status}: ${errorWords(text)}`, true);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return failed(`HTTP ${status} with an answer that is not JSON: ${clip(text, 120)}`, true);
    }
    const id = asObject(parsed).itemId;
    if (typeof id !== "number" && typeof id !== "string") {
      return failed(`HTTP ${status} without an itemId: ${clip(text, 120)}`, true);
    }
    return { kind: "created", itemId: String(id), answer: clip(text, 500) };
  }
}

/** Autotask's own words from `{"errors":[...]}` (or the text, clipped). */
export function errorWords(text: string): string {
  try {
    const errors = asObject(JSON.parse(text)).errors;
    if (Array.isArray(errors) && errors.length > 0) return clip(errors.map(String).join("; "), 300);
  } catch {
    // not JSON
  }
  return clip(text || "(empty answer)", 300);
}
