import { parentPort } from "node:worker_threads";
import {
  buildMatchIndex,
  type Candidate,
  type MatchIndex,
  suggest,
  withNamesakes,
} from "../../matching/engine.ts";
import type {
  IndexChange,
  SuggestRequest,
  WorkerAnswer,
  WorkerEnvelope,
  WorkerReply,
} from "./match-index.protocol.ts";

/**
 * The worker thread that holds the match indexes of one service instance (src/services/suggestion/
 * match-index.client.ts starts it). Building an index of 50,000 organizations takes seconds of CPU,
 * and so do large replays and batches of suggestions: here they cannot hold up the requests the main
 * thread serves. Messages are handled one at a time, in the order they were posted.
 */
interface Held {
  index: MatchIndex;
  /** Organizations the PSA no longer lists: kept for evidence, never offered. */
  missing: Set<string>;
}

const held = new Map<string, Held>();

function heldIndex(name: string): Held {
  const found = held.get(name);
  if (found === undefined) throw new Error(`no match index "${name}" in this worker`);
  return found;
}

function apply({ index, missing }: Held, change: IndexChange): void {
  switch (change.kind) {
    case "upsertOrganization":
      index.upsertOrganization(change.organization);
      break;
    case "removeOrganization":
      missing.delete(change.id);
      index.removeOrganization(change.id);
      break;
    case "setMissing":
      if (change.isMissing) missing.add(change.id);
      else missing.delete(change.id);
      break;
    case "addConfirmed":
      index.addConfirmedMapping(change.mapping);
      break;
    case "removeConfirmed":
      index.removeConfirmedMapping(change.moduleKey, change.id);
      break;
    case "addAlias":
      index.addAlias(change.alias);
      break;
    case "removeAlias":
      index.removeAlias(change.alias);
      break;
  }
}

function answer({ index, missing }: Held, request: SuggestRequest): Candidate[] {
  const rejected = request.rejected ? { rejectedOrganizationIds: request.rejected } : {};
  if (!request.isForUsers) return suggest(index, request.query, { top: request.top, ...rejected });
  // Keep the engine's namesakes (a chain's sites named alike, offered together beyond the top).
  const candidates = suggest(index, request.query, { top: request.top + 2, ...rejected });
  return withNamesakes(
    index,
    candidates.filter((c) => !missing.has(c.organizationId)),
    request.top,
  );
}

/** An organization's name and the other names it is known by (aliases, confirmed module names). */
function knownNames(index: MatchIndex, organizationId: string, name: string, limit: number): string[] {
  const names = [name];
  for (const slot of index.organizations.get(organizationId)?.slots ?? []) {
    const raw = index.documents[slot]?.norm.raw;
    if (raw !== undefined && !names.includes(raw)) names.push(raw);
    if (names.length >= limit) break;
  }
  return names;
}

function handle(request: WorkerEnvelope): WorkerAnswer {
  switch (request.op) {
    case "build":
      held.set(request.index, { index: buildMatchIndex(request.input), missing: new Set(request.missing) });
      return null;
    case "apply": {
      const target = heldIndex(request.index);
      for (const change of request.changes) apply(target, change);
      return null;
    }
    case "suggest": {
      const target = heldIndex(request.index);
      return request.requests.map((r) => answer(target, r));
    }
    case "knownNames":
      return knownNames(heldIndex(request.index).index, request.organizationId, request.name, request.limit);
    case "drop":
      held.delete(request.index);
      return null;
  }
}

parentPort?.on("message", (request: WorkerEnvelope) => {
  const started = performance.now();
  let reply: WorkerReply;
  try {
    reply = { id: request.id, ok: true, value: handle(request), ms: performance.now() - started };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
