import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { useSession } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";

const ONLY_FAILED_KEY = "orgmap.activityLog.onlyFailed";
const PAGE = 50;

function rememberedOnlyFailed(): boolean {
  try {
    return window.localStorage.getItem(ONLY_FAILED_KEY) === "true";
  } catch {
    return false;
  }
}

/** The activity log (rule 17): newest day first, failed rows first; "only failed" stays set. */
export function ActivityLogSection() {
  const api = useApi();
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  // An alert's link (posting.failed) opens the log filtered to failed rows (`/posting?onlyFailed=true`).
  const linkedOnlyFailed = useSearch({ from: "/posting", select: (search) => search.onlyFailed === true });
  const [onlyFailed, setOnlyFailed] = useState(() => linkedOnlyFailed || rememberedOnlyFailed());
  const [offset, setOffset] = useState(0);
  const log = useQuery({
    queryKey: ["posting", "activity", onlyFailed, offset],
    queryFn: () => api.request("GET /activity-log", { query: { onlyFailed, limit: PAGE, offset } }),
  });
  const retry = useMutation({
    mutationFn: (id: string) => api.request("POST /activity-log/:id/retry", { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["posting"] }),
  });
  const exportCsv = useMutation({
    mutationFn: () => api.request("GET /activity-log/export", { query: { onlyFailed } }),
    onSuccess: ({ fileName, csv }) => {
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      link.click();
      URL.revokeObjectURL(url);
    },
  });
  const setFilter = (value: boolean) => {
    setOnlyFailed(value);
    setOffset(0);
    try {
      window.localStorage.setItem(ONLY_FAILED_KEY, String(value));
    } catch {
      // storage refused: the filter still applies to this page
    }
  };
  const total = log.data?.total ?? 0;
  return (
    <section className="card" aria-label="Activity log" id="activity-log">
      <h2>Activity log</h2>
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={onlyFailed} onChange={(e) => setFilter(e.target.checked)} /> Only
          failed
        </label>
        <button
          type="button"
          className="btn"
          disabled={exportCsv.isPending}
          onClick={() => exportCsv.mutate()}
        >
          Export CSV
        </button>
      </div>
      {log.isPending && <Loading />}
      {log.isError && <ErrorBanner error={log.error} onRetry={() => void log.refetch()} />}
      {retry.isError && <ErrorBanner error={retry.error} />}
      {log.data && log.data.items.length === 0 && <EmptyState>No rows.</EmptyState>}
      {log.data && log.data.items.length > 0 && (
        <table className="table" data-testid="activity-log">
          <thead>
            <tr>
              <th>Day</th>
              <th>Module</th>
              <th>Organization</th>
              <th>Service</th>
              <th>Change</th>
              <th>Units</th>
              <th>Outcome</th>
              <th>Reason</th>
              {isAdmin && <th />}
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((row) => (
              <tr key={row.id} className={row.outcome === "failed" ? "row-failed" : undefined}>
                <td>{row.day}</td>
                <td>
                  {row.moduleKey} · {row.billingType}
                </td>
                <td>{row.organizationName}</td>
                <td>{row.serviceName ?? ""}</td>
                <td>{row.direction}</td>
                <td>
                  {row.unitsBefore ?? "?"} → {row.unitsAfter ?? "?"}
                </td>
                <td>{row.outcome}</td>
                <td className="muted">{row.reason ?? ""}</td>
                {isAdmin && (
                  <td>
                    {row.outcome === "failed" && (
                      <button
                        type="button"
                        className="btn"
                        disabled={retry.isPending}
                        onClick={() => retry.mutate(row.id)}
                      >
                        Retry
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > PAGE && (
        <div className="toolbar">
          <button
            type="button"
            className="btn"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            Newer
          </button>
          <span className="muted">
            {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
          </span>
          <button
            type="button"
            className="btn"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
          >
            Older
          </button>
        </div>
      )}
    </section>
  );
}
