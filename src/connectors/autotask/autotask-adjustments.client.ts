import { type ConnectorDeps, ConnectorError } from "../connector.ts";
import { type HttpSession, realSleep } from "../http/http-client.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { clip, redactSecrets } from "../http/redact.ts";
import { countRequests, startCountedSession } from "../http/request-counter.ts";
import { backoffDelay, parseRetryAfter } from "../http/retry-policy.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";
import { AUTOTASK_VENDOR, asObject, autotaskHeaders, queryAll } from "./autotask-rest.ts";

const VENDOR = AUTOTASK_VENDOR;
/** Contract services per read-back query: one page of their units for one period. */
export const READ_BACK_CHUNK = 200;

/** What the PSA bills one contract service for one period, read back before posting. */
export interface UnitsReadBack {
  units: number;
  isInvoiced: boolean;
}

/** `${contractServicePsaId}/${periodKey}` -> units; a contract service absent from it bills 0 (no row yet). */
export interface UnitsRead {
  units: Map<string, UnitsReadBack>;
  /** Contract services whose unit row could not be read: unknown, never 0. */
  unreadable: Set<string>;
}

export interface AdjustmentInput {
  contractPsaId: string;
  contractServicePsaId: string;
  unitChange: number;
  /** "YYYY-MM-DD" */
  effectiveDate: string;
  /** Decimal string, or null: the contract service's own price applies. */
  adjustedUnitPrice: string | null;
}

/**
 * The answer to one create. `failed` with `mayBeApplied` says the PSA may have written it (a
 * timeout, a 5xx, a garbled answer): the caller must read the units back before anything else.
 * Only a refusal before processing (429 after every attempt) is known not to be applied.
 */
export type AdjustmentAnswer =
  | { kind: "created"; adjustmentId: string; answer: string }
  | { kind: "failed"; message: string; mayBeApplied: boolean };

export const unitsKey = (contractServicePsaId: string, periodKey: string) =>
  `${contractServicePsaId}/${periodKey}`;

/**
 * The longest one create can be in flight: every attempt's request timeout, and as much again for
 * the waits between attempts (a 429's Retry-After). `createAdjustment` sends nothing past it, so
 * a pending attempt older than this (plus a margin for clocks) has no call of its process in
 * flight any more, whatever became of that process: another may settle it by reading back.
 */
export function createLimitMs(settings: Pick<AutotaskSettings, "requestTimeoutMs" | "maxAttempts">): number {
  return settings.requestTimeoutMs * settings.maxAttempts * 2;
}

/**
 * Reads and writes the units of contract services in Autotask, over one counted REST session
 * (the same headers, deadline and redaction as the contracts read). Reads retry (429, 5xx,
 * timeouts); a create is never retried blindly: only a 429 (refused before processing) is sent
 * again, everything else is left to the caller, who reads the units back.
 */
export class AutotaskAdjustmentsClient {
  private readonly settings: AutotaskSettings;
  private readonly session: { http: HttpSession; requestCount: () => number };
  private readonly createCounter: { deps: ConnectorDeps; count: () => number };
  private readonly secretValues: string[];

  constructor(
    settings: AutotaskSettings,
    private readonly secrets: AutotaskSecrets,
    private readonly deps: ConnectorDeps = {},
    private readonly signal?: AbortSignal,
  ) {
    this.settings = withoutTrailingSlash(settings);
    this.secretValues = [secrets.secret, secrets.apiIntegrationCode, secrets.userName];
    this.session = startCountedSession(
      { vendor: VENDOR, ...this.settings, secrets: this.secretValues, deps },
      signal,
    );
    this.createCounter = countRequests(deps);
  }

  /** Every request sent so far, retries included. */
  requestCount(): number {
    return this.session.requestCount() + this.createCounter.count();
  }

  /**
   * The units of the given contract services in one period (ContractServiceUnits whose start date
   * falls in it), READ_BACK_CHUNK contract services per query. Throws ConnectorError.
   */
  async readUnits(
    contractServicePsaIds: readonly string[],
    periodKey: string,
    nextPeriodKey: string,
  ): Promise<UnitsRead> {
    const units = new Map<string, UnitsReadBack>();
    const unreadable = new Set<string>();
    const ids = [...new Set(contractServicePsaIds)].map(Number).filter(Number.isSafeInteger);
    for (let index = 0; index < ids.length; index += READ_BACK_CHUNK) {
      const chunk = ids.slice(index, index + READ_BACK_CHUNK);
      const pages = queryAll(
        this.session.http,
        this.settings,
        this.secrets,
        "ContractServiceUnits",
        [
          { op: "in", field: "contractServiceID", value: chunk },
          { op: "gte", field: "startDate", value: `${periodKey}-01` },
          { op: "lt", field: "startDate", value: `${nextPeriodKey}-01` },
        ],
        ["id", "contractServiceID", "startDate", "units", "approveAndPostDate"],
      );
      for await (const items of pages) {
        for (const raw of items) {
          const record = asObject(raw);
          const serviceId = record.contractServiceID;
          if (typeof serviceId !== "number" && typeof serviceId !== "string") continue;
          const key = unitsKey(String(serviceId), periodKey);
          const value = record.units;
          if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
            unreadable.add(String(serviceId));
            continue;
          }
          const before = units.get(key);
          const invoiced = record.approveAndPostDate !== null && record.approveAndPostDate !== undefined;
          units.set(key, {
            units: (before?.units ?? 0) + value,
            isInvoiced: (before?.isInvoiced ?? false) || invoiced,
          });
        }
      }
    }
    return { units, unreadable };
  }

  /** POST /V1.0/ContractServiceAdjustments: one integer unit change from an effective date. */
  async createAdjustment(input: AdjustmentInput): Promise<AdjustmentAnswer> {
    const url = `${this.settings.baseUrl}/V1.0/ContractServiceAdjustments`;
    const body = JSON.stringify({
      contractID: Number(input.contractPsaId),
      contractServiceID: Number(input.contractServicePsaId),
      unitChange: input.unitChange,
      effectiveDate: input.effectiveDate,
      ...(input.adjustedUnitPrice === null ? {} : { adjustedUnitPrice: Number(input.adjustedUnitPrice) }),
    });
    const fetch = this.createCounter.deps.fetch ?? globalThis.fetch;
    const now = this.deps.now ?? Date.now;
    const sleep = this.deps.sleep ?? realSleep;
    const deadline = Math.min(this.session.http.deadlineAt, now() + createLimitMs(this.settings));
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - now();
      if (remaining <= 0) return this.failed("the session's time limit was reached before the create", false);
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const timeout = AbortSignal.timeout(Math.min(this.settings.requestTimeoutMs, remaining));
        const response = await fetch(url, {
          method: "POST",
          headers: autotaskHeaders(this.secrets),
          body,
          signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout,
          redirect: "manual",
        });
        status = response.status;
        retryAfter = response.headers.get("retry-after");
        text = await response.text();
      } catch (error) {
        // The request may have reached Autotask and been written: only a read-back can tell.
        return this.failed(`no answer to the create (${(error as Error).message})`, true);
      }
      if (status === 429) {
        // Refused before processing: safe to send again, within the attempts and the deadline.
        const wait =
          parseRetryAfter(retryAfter, now()) ??
          backoffDelay(attempt, { baseDelayMs: 500, maxDelayMs: 30_000 }, this.deps.random ?? Math.random);
        if (attempt >= this.settings.maxAttempts || now() + wait > deadline) {
          return this.failed(`HTTP 429 (rate limited) after ${attempt} attempts`, false);
        }
        await sleep(wait, this.signal);
        continue;
      }
      if (status < 200 || status > 299) {
        return this.failed(`HTTP ${status}: ${errorWords(text)}`, true);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.failed(`HTTP ${status} with an answer that is not JSON: ${clip(text, 120)}`, true);
      }
      const id = asObject(parsed).itemId;
      if (typeof id !== "number" && typeof id !== "string") {
        return this.failed(`HTTP ${status} without an itemId: ${clip(text, 120)}`, true);
      }
      return { kind: "created", adjustmentId: String(id), answer: clip(text, 500) };
    }
  }

  private failed(message: string, mayBeApplied: boolean): AdjustmentAnswer {
    const error = new ConnectorError(`${VENDOR}: ${message}`);
    return { kind: "failed", message: redactSecrets(error.message, this.secretValues), mayBeApplied };
  }
}

/** Autotask's own words from `{"errors":[...]}` (or the text, clipped). */
function errorWords(text: string): string {
  try {
    const errors = asObject(JSON.parse(text)).errors;
    if (Array.isArray(errors) && errors.length > 0) return clip(errors.map(String).join("; "), 300);
  } catch {
    // not JSON
  }
  return clip(text || "(empty answer)", 300);
}
