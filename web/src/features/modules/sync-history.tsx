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
          <th scope="col">Requests</th>
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
        <td>{run.counts.requests}</td>
        <td className="error-text">{run.error ?? ""}</td>
      </tr>
      {run.billing && (
        <tr className="sync-billing-part">
          <td colSpan={COLUMNS}>
            <BillingPart billing={run.billing} runId={run.id} />
          </td>
        </tr>
      )}
      {props.isOpen && (
        <tr>
          <td colSpan={COLUMNS}>
            <RejectedRecords runId={run.id} />
          </td>
        </tr>
      )}
    </>
  );
}

const COLUMNS = 11;
type Billing = NonNullable<SyncRun["billing"]>;

/** Each failure code in words (the message beside it says what the vendor or file did). */
const FAILURE_WORDS: Record<string, string> = {
  rate_limited: "the vendor limited our requests (HTTP 429)",
  vendor_error: "the vendor answered with a server error",
  bad_response: "the answer was not valid JSON",
  timeout: "no answer in time",
  unreachable: "the vendor could not be reached",
  unauthorized: "the credentials were refused",
  refused: "the vendor refused the request",
  cancelled: "the sync was stopped",
  invalid: "the source could not be used",
  internal: "the read could not be stored",
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "12 unchanged, 3 changed, 1 new, 0 unknown, 2 rejected" or the contracts' record counts. */
function billingCounts(billing: Billing): string {
  const c = billing.counts;
  if (billing.part === "usage") {
    return [
      `${c.unchanged ?? 0} unchanged`,
      `${c.changed ?? 0} changed`,
      `${c.opened ?? 0} new`,
      `${c.unknown ?? 0} unknown`,
      `${c.rejected ?? 0} rejected`,
    ].join(", ");
  }
  return [
    plural(c.contracts ?? 0, "contract"),
    plural(c.contractServices ?? 0, "contract service"),
    plural(c.contractServiceUnits ?? 0, "unit row"),
    plural(c.services ?? 0, "service"),
    `${c.rejected ?? 0} rejected`,
  ].join(", ");
}

/** The usage (module) or contracts (PSA) part of a run, in words. */
function BillingPart({ billing, runId }: { billing: Billing; runId: string }) {
  const [showRejected, setShowRejected] = useState(false);
  const what = billing.part === "usage" ? "Usage read" : "Contracts read";
  const requests = plural(billing.requestCount, "request");
  const rejected = billing.counts.rejected ?? 0;
  return (
    <div className={`billing-part billing-part-${billing.outcome}`}>
      {billing.outcome === "complete" ? (
        <p>
          <strong>{what}: complete</strong>, {requests}: {billingCounts(billing)}.
        </p>
      ) : (
        <p>
          <strong className="error-text">{what}: failed</strong>
          {billing.error
            ? ` (${FAILURE_WORDS[billing.error.code] ?? billing.error.code}: ${billing.error.message})`
            : ""}
          , {requests}.{" "}
          {billing.part === "usage"
            ? `This module's readings are unknown for this run, not 0${billing.counts.unknown ? ` (${plural(billing.counts.unknown, "reading")})` : ""}; the organizations were synced.`
            : "The contracts of the previous complete read are kept; the organizations were synced."}
        </p>
      )}
      {rejected > 0 && (
        <button
          type="button"
          className="btn btn-small"
          aria-expanded={showRejected}
          onClick={() => setShowRejected(!showRejected)}
        >
          {showRejected ? "Hide" : "Show"} the{" "}
          {plural(rejected, billing.part === "usage" ? "rejected reading" : "rejected record")}
        </button>
      )}
      {showRejected && <RejectedRecords runId={runId} which="billingRejected" />}
    </div>
  );
}

function RejectedRecords({
  runId,
  which = "rejected",
}: {
  runId: string;
  /** The organizations' rejected records, or the usage or contracts part's. */
  which?: "rejected" | "billingRejected";
}) {
  const api = useApi();
  const detail = useQuery({
    queryKey: ["sync-run", runId],
    queryFn: () => api.request("GET /sync-runs/:id", { params: { id: runId } }),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorBanner error={detail.error} onRetry={() => void detail.refetch()} />;
  return (
    <ul className="rejected-list">
      {(detail.data[which] ?? []).map((record, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rejected records have no id
        <li key={index}>
          <strong>{record.reason}</strong> <code>{JSON.stringify(record.raw).slice(0, 300)}</code>
        </li>
      ))}
    </ul>
  );
}
