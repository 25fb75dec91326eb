import { parentPort, workerData } from "node:worker_threads";
import { buildMatchIndex, type MatchOrganization } from "../matching/engine.ts";
import { answerRows, type MatchBatch, type MatchBatchAnswer, packAnswers } from "./match.rows.ts";

/**
 * One worker of `orgmap match`: builds its own index of the organizations, then answers batches of
 * module organizations with their CSV rows (the main thread writes them in the input's order).
 */
const { organizations, top } = workerData as { organizations: MatchOrganization[]; top: number };
const index = buildMatchIndex({ organizations });
parentPort?.on("message", (batch: MatchBatch) => {
  const packed = packAnswers(answerRows(index, batch.queries, top));
  const answer: MatchBatchAnswer = { id: batch.id, packed };
  parentPort?.postMessage(answer, [packed.ats.buffer, packed.ends.buffer, packed.bytes.buffer]);
});
parentPort?.postMessage({ ready: true });
