import type {
  Candidate,
  ConfirmedAlias,
  ConfirmedMapping,
  MatchIndexInput,
  MatchOrganization,
  MatchQuery,
} from "../../matching/engine.ts";

/** One change to a match index held by the worker, applied in order. */
export type IndexChange =
  | { kind: "upsertOrganization"; organization: MatchOrganization }
  | { kind: "removeOrganization"; id: string }
  | { kind: "setMissing"; id: string; isMissing: boolean }
  | { kind: "addConfirmed"; mapping: ConfirmedMapping }
  | { kind: "removeConfirmed"; moduleKey: string; id: string }
  | { kind: "addAlias"; alias: ConfirmedAlias }
  | { kind: "removeAlias"; alias: ConfirmedAlias };

/**
 * One question to the index. With `isForUsers`, the answer is what users are shown: the top plus
 * namesakes, without rejected organizations or organizations the PSA no longer lists.
 */
export interface SuggestRequest {
  query: MatchQuery;
  top: number;
  rejected?: string[];
  isForUsers?: boolean;
}

/** What the main thread asks the index worker; `index` names one of the indexes it holds. */
export type WorkerRequest =
  | { op: "build"; index: string; input: MatchIndexInput; missing: string[] }
  | { op: "apply"; index: string; changes: IndexChange[] }
  | { op: "suggest"; index: string; requests: SuggestRequest[] }
  | { op: "knownNames"; index: string; organizationId: string; name: string; limit: number }
  | { op: "drop"; index: string };

export type WorkerAnswer = null | Candidate[][] | string[];

/** A request as posted, with its sequence number; the answer carries the same `id`. */
export type WorkerEnvelope = WorkerRequest & { id: number };

export type WorkerReply =
  | { id: number; ok: true; value: WorkerAnswer; ms: number }
  | { id: number; ok: false; message: string };
