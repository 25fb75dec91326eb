import type { DatabaseKind, Db } from "../../../db/database.ts";
import { PostingSlotRepository } from "../../../db/posting-slot.repository.ts";
import type { PostingPsa } from "./posting-types.ts";

/** Where posting's PSA calls wait for one of the few that may run at once (item 5). */
export interface CallSlots {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** At most `max` at a time in this process. */
export function processSlots(max: number): CallSlots {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(work) {
      while (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await work();
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    },
  };
}

/**
 * At most `max` at a time across every process on the database. On PostgreSQL a call holds one of
 * `max` advisory-lock slots (PostingSlotRepository) and polls while all are taken; a PGlite data
 * folder is opened by one process only (its lock file), so there the process's own limit is the
 * whole limit.
 */
export function databaseSlots(
  db: Db,
  kind: DatabaseKind,
  max: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): CallSlots {
  const local = processSlots(max);
  if (kind !== "postgres") return local;
  const slots = new PostingSlotRepository(db);
  return {
    run: (work) =>
      local.run(async () => {
        for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
          const result = await slots.withSlot(max, work);
          if (result.held) return result.value;
          await sleep(wait + Math.floor(Math.random() * wait));
        }
      }),
  };
}

/** The PSA with every call (read-back and create) taken through the slots. */
export function limitedPsa(psa: PostingPsa, slots: CallSlots): PostingPsa {
  return {
    readUnits: (ids, periodKey, nextPeriodKey) =>
      slots.run(() => psa.readUnits(ids, periodKey, nextPeriodKey)),
    createAdjustment: (input) => slots.run(() => psa.createAdjustment(input)),
    requestCount: () => psa.requestCount(),
  };
}
