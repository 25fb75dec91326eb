import { Worker } from "node:worker_threads";
import type { Candidate, MatchIndexInput } from "../../matching/engine.ts";
import type {
  IndexChange,
  SuggestRequest,
  WorkerAnswer,
  WorkerEnvelope,
  WorkerReply,
  WorkerRequest,
} from "./match-index.protocol.ts";

interface Pending {
  resolve: (value: WorkerAnswer) => void;
  reject: (error: Error) => void;
}

/**
 * The main thread's side of the match index worker (match-index.worker.ts): builds, changes and
 * queries of the indexes run there, so a rebuild after a large sync does not stall other requests.
 * Started on first use; it keeps the process alive only while a request is open. If it dies, open
 * requests fail and the next one starts a new worker (`epoch` moves: its indexes must be built again).
 */
export class MatchIndexWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Moves each time a worker starts: an index built under another epoch is gone. */
  epoch = 0;
  /** CPU milliseconds the worker spent on the last request it answered. */
  lastWorkMs = 0;
  /** The worker's thread id while it runs (tests check the work happens there). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** Builds (or replaces) the index named `index`; answers how many milliseconds the worker spent. */
  async build(index: string, input: MatchIndexInput, missing: string[] = []): Promise<number> {
    await this.request({ op: "build", index, input, missing });
    return this.lastWorkMs;
  }

  apply(index: string, changes: IndexChange[]): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    return this.request({ op: "apply", index, changes }).then(() => undefined);
  }

  suggest(index: string, requests: SuggestRequest[]): Promise<Candidate[][]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.request({ op: "suggest", index, requests }) as Promise<Candidate[][]>;
  }

  knownNames(index: string, organizationId: string, name: string, limit = 8): Promise<string[]> {
    return this.request({ op: "knownNames", index, organizationId, name, limit }) as Promise<string[]>;
  }

  /** The epoch a request posted now runs under (starts the worker if none runs). */
  currentEpoch(): number {
    this.started();
    return this.epoch;
  }

  /** Stops the worker (its indexes are gone; the next request starts another). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    this.forget(worker, new Error("match index worker closed"));
    await worker.terminate();
  }

  private request(request: WorkerRequest): Promise<WorkerAnswer> {
    const worker = this.started();
    const id = this.nextId++;
    const envelope: WorkerEnvelope = { ...request, id };
    return new Promise<WorkerAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(envelope);
    });
  }

  private started(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL("./match-index.worker-boot.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (reply: WorkerReply) => this.settle(worker, reply));
    worker.on("error", (error) => this.forget(worker, error));
    worker.on("exit", (code) => this.forget(worker, new Error(`match index worker exited (${code})`)));
    this.worker = worker;
    this.epoch++;
    return worker;
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.ok) {
      this.lastWorkMs = reply.ms;
      pending.resolve(reply.value);
    } else pending.reject(new Error(`match index worker: ${reply.message}`));
  }

  /** The worker is gone: fail what it had not answered; the next request starts another. */
  private forget(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
