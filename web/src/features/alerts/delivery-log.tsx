import { useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { deliveriesKey } from "./alert-types.ts";

/** A webhook's last deliveries, newest first: status, response code, duration, next retry. */
export function DeliveryLog({ channelId }: { channelId: string }) {
  const api = useApi();
  const timeZone = useSettings().data?.timeZone;
  const log = useQuery({
    queryKey: deliveriesKey(channelId),
    queryFn: () =>
      api.request("GET /alert-channels/:id/deliveries", { params: { id: channelId }, query: { limit: 50 } }),
  });
  if (log.isPending) return <Loading label="Loading deliveries…" />;
  if (log.isError) return <ErrorBanner error={log.error} onRetry={() => void log.refetch()} />;
  if (log.data.items.length === 0) return <EmptyState>Nothing was sent to this webhook yet.</EmptyState>;
  return (
    <table className="table" aria-label="Delivery log">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Response</th>
          <th scope="col">Duration</th>
          <th scope="col">Next retry</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {log.data.items.map((d) => (
          <tr key={d.id} data-event-id={d.eventId}>
            <td className="nowrap">{formatDateTime(d.createdAt, timeZone)}</td>
            <td>{d.eventType}</td>
            <td>
              <span className={`badge delivery-${d.status}`}>{d.status}</span>
            </td>
            <td>{d.attempts}</td>
            <td>{d.responseCode ?? "—"}</td>
            <td>{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
            <td className="nowrap">{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt, timeZone) : "—"}</td>
            <td className="error-text">{d.error ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
