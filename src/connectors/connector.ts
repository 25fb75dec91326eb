import type { PsaContractData } from "../domain/billing/psa-contracts.ts";
import type { UsageReadResult } from "../domain/billing/usage-read.ts";
import type { OrganizationType } from "../domain/organization.ts";

/**
 * The contract between the sync engine (src/services/sync.service.ts) and one provider.
 * A connector reads the provider's full list page by page; the engine upserts each page and
 * only marks records missing once the whole list has been read successfully.
 */

/** A module organization as read from a module's API or file. */
export interface ModuleOrganizationRecord {
  externalId: string;
  name: string;
  /** External id of the parent module organization (a site, domain or tenant under a customer). */
  parentExternalId: string | null;
  /** Provider-specific facts kept for matching and display (e.g. Datto RMM `autotaskCompanyId`). */
  attributes: Record<string, unknown>;
}

/** A PSA (Autotask) company as read from the PSA. */
export interface PsaOrganizationRecord {
  psaId: string;
  name: string;
  type: OrganizationType;
  isActive: boolean;
  parentPsaId: string | null;
}

/** A record the connector could not accept, with the reason in words. */
export interface RejectedRecord {
  reason: string;
  /** The raw record (truncated by the connector to a sane size). */
  raw: unknown;
}

export interface Page<T> {
  records: T[];
  rejected: RejectedRecord[];
}

export interface FetchOptions {
  /** Aborts the whole read (used for the bounded total time and for shutdown). */
  signal?: AbortSignal;
}

export interface Connector<T> {
  readonly kind: string;
  /** Reads the full list. Throws (ConnectorError) when the list cannot be read completely. */
  fetchAll(options?: FetchOptions): AsyncIterable<Page<T>>;
}

export type ModuleConnector = Connector<ModuleOrganizationRecord>;
export type PsaConnector = Connector<PsaOrganizationRecord>;

/**
 * Why a read failed, as a word a screen or a script can switch on: the vendor rate-limited us
 * (429), answered 5xx, answered something that is not JSON, did not answer in time, could not be
 * reached, refused the credentials (401/403) or the request (other 4xx), or the read was stopped;
 * `invalid` is anything else of the source itself (a file that is not there, a filter name that
 * matches nothing).
 */
export type ReadFailureCode =
  | "rate_limited"
  | "vendor_error"
  | "bad_response"
  | "timeout"
  | "unreachable"
  | "unauthorized"
  | "refused"
  | "cancelled"
  | "invalid";

/** A failed read as runs record it: the code and the short public message, never a body. */
export interface ReadFailure {
  code: ReadFailureCode;
  message: string;
}

/** Raised when a provider cannot be read completely; the sync run is recorded as failed with this message. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly details: {
      status?: number;
      url?: string;
      attempts?: number;
      /** Why, as a code (HTTP failures set it; anything else is `invalid`). */
      code?: ReadFailureCode;
      /** What users may read when the message quotes what a vendor or a file sent (the log gets the message). */
      summary?: string;
    } = {},
  ) {
    super(message);
    this.name = "ConnectorError";
  }

  /** The short message shown to users (sync runs are readable by viewers): never a body or a file's contents. */
  get publicMessage(): string {
    return this.details.summary ?? this.message;
  }
}

/**
 * The recorded form of a failed read: a ConnectorError's code and public message; anything else
 * (a bug, a parser's message quoting the data) only as a generic sentence, never its text.
 */
export function readFailure(error: unknown, vendor: string): ReadFailure {
  if (error instanceof ConnectorError) {
    return { code: error.details.code ?? "invalid", message: error.publicMessage };
  }
  return { code: "invalid", message: `${vendor}: the read failed; the server log has the detail` };
}

/** Raised by the connector factories when settings or secrets are invalid; `field` names the culprit. */
export class ConnectorConfigError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "ConnectorConfigError";
  }
}

/** Injectable effects, so tests control time and the network without waiting for real. */
export interface ConnectorDeps {
  /** The only folder file connectors read from (links out of it are refused); none: files are refused. */
  importDir?: string;
  fetch?: typeof globalThis.fetch;
  /** Waits `ms` milliseconds; rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** A number in [0, 1) for backoff jitter. */
  random?: () => number;
  /**
   * One sync run's scratch, shared by its organizations read and its usage read (the sync makes a
   * new one per run): what the first saw that the second may take instead of asking the vendor
   * again (Datto RMM: the sites list, whose `devicesStatus` gives the device totals).
   */
  runShared?: Map<string, unknown>;
}

/**
 * One usage read of a module as a connector returns it: complete, or failed with its typed
 * failure (`error` is the failure's public message). Never thrown: a failed read makes the
 * module's readings unknown, never 0.
 */
export type ConnectorUsageRead =
  | Extract<UsageReadResult, { kind: "complete" }>
  | { kind: "failed"; error: string; failure: ReadFailure; requestCount: number };

/** Calendar dates ("YYYY-MM-DD") a contracts read covers: the previous period's first day up to the next's. */
export interface ContractsWindow {
  from: string;
  to: string;
}

/** One read of the PSA's contracts: complete with the records and rejections, or failed. Never thrown. */
export type ConnectorContractsRead =
  | { kind: "complete"; data: PsaContractData; rejected: RejectedRecord[]; requestCount: number }
  | { kind: "failed"; failure: ReadFailure; requestCount: number };

/** What to create in the PSA for a module organization that has no PSA organization yet (issue 14). */
export interface PsaOrganizationInput {
  name: string;
  type: OrganizationType;
  parentPsaId: string | null;
  /** Autotask requires a phone number and an owner (a resource id) on every company. */
  phone: string;
  ownerResourceId: string;
}

/** A PSA organization found by name, with when the PSA says it was created (null: not said). */
export interface FoundPsaOrganization extends PsaOrganizationRecord {
  createdAt: Date | null;
}

/**
 * The answer to one create. `failed` with `mayBeApplied` says the PSA may have written it (a
 * timeout, a 5xx, a garbled answer): look the organization up before anything is sent again.
 */
export type PsaCreateAnswer =
  | { kind: "created"; psaId: string; answer: string }
  | { kind: "failed"; message: string; mayBeApplied: boolean };

/** A person of the PSA who may own a new organization (Autotask: an active Resource). */
export interface PsaOwner {
  id: string;
  name: string;
  email: string | null;
}

/** Writes organizations into a PSA that allows it (Autotask); the file PSA has none. */
export interface PsaOrganizationWriter {
  /** The active people who may own a new organization, by name. Throws ConnectorError. */
  listOwners(): Promise<PsaOwner[]>;
  /** Organizations whose name is exactly `name` (case as the PSA compares). Throws ConnectorError. */
  findByName(name: string): Promise<FoundPsaOrganization[]>;
  /** Sends one create, never blindly repeated (only a refusal before processing is sent again). */
  create(input: PsaOrganizationInput): Promise<PsaCreateAnswer>;
  requestCount(): number;
}
