import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";
import { type ConnectorChange, ConnectorForm } from "./connector-form.tsx";
import { SyncHistory } from "./sync-history.tsx";

/** The PSA (Autotask): connector, schedule, Sync now and history. */
export function PsaCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { isAdmin } = useSession();
  const timeZone = useSettings().data?.timeZone;
  const psa = useQuery({ queryKey: ["psa"], queryFn: () => api.request("GET /psa") });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["psa"] });
    void queryClient.invalidateQueries({ queryKey: ["sync-runs"] });
    invalidateMappingData(queryClient);
  };
  const patch = useMutation({
    mutationFn: (body: ConnectorChange) => api.request("PATCH /psa", { body }),
    onSuccess: () => {
      toast.success("PSA connector saved");
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  const sync = useMutation({
    mutationFn: () => api.request("POST /psa/sync"),
    onSuccess: () => {
      toast.success("PSA sync started");
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  return (
    <section className="card module-card" aria-labelledby="psa-title">
      <div className="card-head">
        <h2 id="psa-title">Autotask (PSA)</h2>
        <span className="toolbar-spacer" />
        {isAdmin && (
          <button type="button" className="btn" disabled={sync.isPending} onClick={() => sync.mutate()}>
            {sync.isPending ? "Starting…" : "Sync now"}
          </button>
        )}
      </div>
      {psa.isPending && <Loading />}
      {psa.isError && <ErrorBanner error={psa.error} onRetry={() => void psa.refetch()} />}
      {psa.data && (
        <>
          <p className="muted">
            Last sync:{" "}
            {psa.data.lastSync
              ? `${psa.data.lastSync.outcome}, ${formatDateTime(psa.data.lastSync.finishedAt ?? psa.data.lastSync.startedAt, timeZone)}`
              : "never"}
          </p>
          <details className="details">
            <summary>Connector and schedule</summary>
            <ConnectorForm
              idPrefix="psa"
              connector={psa.data.connector}
              schedule={psa.data.schedule}
              connectorRole="psa"
              canEdit={isAdmin}
              isSaving={patch.isPending}
              onSave={(change) => patch.mutate(change)}
            />
          </details>
          <details className="details">
            <summary>Sync history</summary>
            <SyncHistory moduleKey={null} />
          </details>
        </>
      )}
    </section>
  );
}
