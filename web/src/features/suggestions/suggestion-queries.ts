import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import type { ApiClient } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Suggestion, SuggestionPage } from "../../api/api-types.ts";
import type { AcceptSuggestionsInput, RejectSuggestionInput } from "../../api/request-types.ts";
import { useToast } from "../common/toast.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";

/** Under "suggestions", so every mapping change (invalidateMappingData) refreshes the review list too. */
export const reviewKey = (moduleKey: string) => ["suggestions", "review", moduleKey] as const;
const REVIEW_PAGE_SIZE = 50;

type ReviewData = InfiniteData<SuggestionPage, string | null>;

/** The unmapped module organizations of one module that have candidates, best first per item. */
export function useReviewQuery(moduleKey: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: reviewKey(moduleKey),
    enabled: moduleKey !== "",
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.request("GET /suggestions", {
        query: { moduleKey, limit: REVIEW_PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
  });
}

/** An item whose best candidate the engine is confident about (the ones "Accept all confident" applies). */
export function isConfident(item: Suggestion): boolean {
  return item.candidates[0]?.accept === true;
}

/**
 * How many suggestions "Accept all confident" would apply, as the server counts them (a dry run of
 * the same request: nothing changes), so the confirmation says exactly what the step will do.
 */
export async function countConfident(api: ApiClient, moduleKey: string): Promise<number> {
  const body = { moduleKey, minScore: 0, dryRun: true } satisfies AcceptSuggestionsInput;
  const answer = await api.request("POST /suggestions/accept", { body });
  return answer.wouldApply ?? 0;
}

/** Drops items (or one candidate of an item) from the listed pages at once, before the refetch. */
function removeListed(
  queryClient: QueryClient,
  moduleKey: string,
  keep: (item: Suggestion) => Suggestion | null,
) {
  queryClient.setQueryData<ReviewData>(reviewKey(moduleKey), (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.flatMap((item) => {
              const kept = keep(item);
              return kept && kept.candidates.length > 0 ? [kept] : [];
            }),
          })),
        }
      : data,
  );
}

export function useAcceptSuggestions(moduleKey: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const changed = useChangeToast();
  return useMutation({
    mutationFn: (body: AcceptSuggestionsInput) => api.request("POST /suggestions/accept", { body }),
    onSuccess: (result, body) => {
      const accepted = new Set((body.items ?? []).map((pair) => pair.moduleOrganizationId));
      if (accepted.size > 0)
        removeListed(queryClient, moduleKey, (item) =>
          accepted.has(item.moduleOrganizationId) ? null : item,
        );
      const n = result.applied;
      changed(`Applied ${n.toLocaleString()} suggestion${n === 1 ? "" : "s"}`, result.stepId);
      invalidateMappingData(queryClient);
    },
    onError: (error) => toast.error(error, () => invalidateMappingData(queryClient)),
  });
}

export function useRejectSuggestion(moduleKey: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (body: RejectSuggestionInput & { organizationName: string }) =>
      api.request("POST /suggestions/reject", {
        body: {
          moduleOrganizationId: body.moduleOrganizationId,
          organizationId: body.organizationId,
        } satisfies RejectSuggestionInput,
      }),
    onSuccess: (_result, body) => {
      removeListed(queryClient, moduleKey, (item) =>
        item.moduleOrganizationId === body.moduleOrganizationId
          ? { ...item, candidates: item.candidates.filter((c) => c.organizationId !== body.organizationId) }
          : item,
      );
      toast.success(`Rejected ${body.organizationName}: it will not be suggested again`);
      // Another candidate may move up (or become confident): read the list again.
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
    },
    onError: (error) => toast.error(error),
  });
}
