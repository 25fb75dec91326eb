import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { SyncRun } from "../../api/api-types.ts";
import { useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";

/** Recent sync runs of a module (or of the PSA when moduleKey is null), with their counts and errors. */
export function SyncHistory({ moduleKey }: { moduleKey: string | null }) {
  const api = useApi();
  const timeZone = useSettings().data?.timeZone;
  const [openRun, setOpenRun] = useState<string | null>(null);
  const runs = useQuery({
    queryKey: ["sync-runs", moduleKey],
    queryFn: async () => {
      // `psa=true` asks the server for the PSA's runs only (the ones without a module).
      const page = await api.request("GET /sync-runs", {
        query: moduleKey ? { moduleKey, limit: 10 } : { psa: true, limit: 10 },
      });
      return page.items;
    },
    refetchInterval: (query) => (query.state.data?.some((run) => run.outcome === "running") ? 2000 : false),
  });
  if (runs.isPending) return <Loading label="Loading sync history…" />;
  if (runs.isError) return <ErrorBanner error={runs.error} onRetry={() => void runs.refetch()} />;
  if (runs.data.length === 0) return <p className="muted">No sync has run yet.</p>;
  return (
    <table className="table table-compact">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Trigger</th>
          <th scope="col">Outcome</th>
          <th scope="col">Seen</th>
          <th scope="col">Added</th>
          <th scope="col">Renamed</th>
          <th scope="col">Missing</th>
          <th scope="col">Returned</th>
          <th scope="col">Rejected</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.map((run) => (
          <SyncRunRows
            key={run.id}
            run={run}
            timeZone={timeZone}
            isOpen={openRun === run.id}
            onToggle={() => setOpenRun(openRun === run.id ? null : run.id)}
          />
        ))}
      </tbody>
    </table>
  );
}

function SyncRunRows(props: { run: SyncRun; timeZone?: string; isOpen: boolean; onToggle(): void }) {
  const { run } = props;
  return (
    <>
      <tr>
        <td className="nowrap">{formatDateTime(run.startedAt, props.timeZone)}</td>
        <td>{run.trigger}</td>
        <td>
          <span className={`badge outcome-${run.outcome}`}>{run.outcome}</span>
        </td>
        <td>{run.counts.seen}</td>
        <td>{run.counts.added}</td>
        <td>{run.counts.renamed}</td>
        <td>{run.counts.missing}</td>
        <td>{run.counts.returned}</td>
        <td>
          {run.counts.rejected > 0 ? (
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={props.isOpen}
              onClick={props.onToggle}
            >
              {run.counts.rejected} {props.isOpen ? "▴" : "▾"}
            </button>
          ) : (
            0
          )}
        </td>
        <td className="error-text">{run.error ?? ""}</td>
      </tr>
      {props.isOpen && (
        <tr>
          <td colSpan={10}>
            <RejectedRecords runId={run.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function RejectedRecords({ runId }: { runId: string }) {
  const api = useApi();
  const detail = useQuery({
    queryKey: ["sync-run", runId],
    queryFn: () => api.request("GET /sync-runs/:id", { params: { id: runId } }),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorBanner error={detail.error} onRetry={() => void detail.refetch()} />;
  return (
    <ul className="rejected-list">
      {(detail.data.rejected ?? []).map((record, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rejected records have no id
        <li key={index}>
          <strong>{record.reason}</strong> <code>{JSON.stringify(record.raw).slice(0, 300)}</code>
        </li>
      ))}
    </ul>
  );
}
