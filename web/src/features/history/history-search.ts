import { z } from "zod";
import { HISTORY_SORTS } from "../../../../src/domain/list-sorts.ts";
import { textParam } from "../common/search-params.ts";

/** `/history`'s search params: who, what kind of change, and the order (newest first unless `at`). */
export const historySearchSchema = z.object({
  who: textParam(),
  kind: textParam(64),
  sort: z
    .enum(HISTORY_SORTS)
    .transform((sort) => (sort === "-at" ? undefined : sort))
    .optional()
    .catch(undefined),
});

export type HistorySearch = z.infer<typeof historySearchSchema>;
