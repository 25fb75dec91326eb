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

/** Raised when a provider cannot be read completely; the sync run is recorded as failed with this message. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly details: {
      status?: number;
      url?: string;
      attempts?: number;
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
}
