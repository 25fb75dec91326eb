import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";

/** Every recorded change (rule 9), newest first, with undo per step. */
export function HistoryPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { canEditMappings } = useSession();
  const timeZone = useSettings().data?.timeZone;
  const events = useInfiniteQuery({
    queryKey: ["audit-events"],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api.request("GET /audit-events", { query: { limit: 50, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor,
  });
  const undo = useMutation({
    mutationFn: (stepId: string) =>
      api.request("POST /audit-events/steps/:stepId/undo", { params: { stepId } }),
    onSuccess: () => {
      toast.success("Step undone");
      invalidateMappingData(queryClient);
    },
    onError: (error) => toast.error(error),
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const seenSteps = new Set<string>();
  return (
    <div className="page">
      <div className="page-head">
        <h1>History</h1>
      </div>
      {events.isPending && <Loading />}
      {events.isError && <ErrorBanner error={events.error} onRetry={() => void events.refetch()} />}
      {events.data && rows.length === 0 && <EmptyState>Nothing has changed yet.</EmptyState>}
      {rows.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">What</th>
              <th scope="col">
                <span className="sr-only">Undo</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => {
              // One undo button per step, on the step's newest event.
              const isFirstOfStep = !!event.stepId && !seenSteps.has(event.stepId);
              if (event.stepId) seenSteps.add(event.stepId);
              return (
                <tr key={event.id}>
                  <td className="nowrap">{formatDateTime(event.at, timeZone)}</td>
                  <td>{event.actor}</td>
                  <td>
                    <code>{event.action}</code>
                  </td>
                  <td>{event.summary}</td>
                  <td className="nowrap">
                    {canEditMappings && isFirstOfStep && event.stepId && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={undo.isPending}
                        onClick={() => event.stepId && undo.mutate(event.stepId)}
                      >
                        Undo
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {events.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          {events.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
