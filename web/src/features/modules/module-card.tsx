import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { ModuleInfo, ModuleState } from "../../api/api-types.ts";
import type { ModulePatchInput } from "../../api/request-types.ts";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { formatDateTime } from "../common/format.ts";
import { useToast } from "../common/toast.tsx";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";
import { type ConnectorChange, ConnectorForm } from "./connector-form.tsx";
import { SyncHistory } from "./sync-history.tsx";

const STATE_LABEL: Record<ModuleState, string> = {
  disabled: "Disabled",
  awaiting_first_sync: "Awaiting first sync",
  ready: "Ready",
};

/** One module: integrated billing switch, state, counts, connector, schedule, Sync now, history. */
export function ModuleCard({ module }: { module: ModuleInfo }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { isAdmin } = useSession();
  const timeZone = useSettings().data?.timeZone;
  const refresh = () => {
    invalidateMappingData(queryClient);
    void queryClient.invalidateQueries({ queryKey: ["sync-runs"] });
  };
  const patch = useMutation({
    mutationFn: (body: ModulePatchInput | ConnectorChange) =>
      api.request("PATCH /modules/:key", { params: { key: module.key }, body }),
    onSuccess: () => {
      toast.success(`${module.name} saved`);
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  const sync = useMutation({
    mutationFn: () => api.request("POST /modules/:key/sync", { params: { key: module.key } }),
    onSuccess: () => {
      toast.success(`${module.name}: sync started`);
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  const [confirmOff, setConfirmOff] = useState(false);
  const { counts } = module;
  return (
    <section
      className="card module-card"
      aria-labelledby={`module-${module.key}`}
      data-module-key={module.key}
    >
      <div className="card-head">
        <h2 id={`module-${module.key}`}>{module.name}</h2>
        <span className={`badge state-${module.state}`}>{STATE_LABEL[module.state]}</span>
        <span className="toolbar-spacer" />
        <label className="switch">
          <button
            type="button"
            role="switch"
            aria-checked={module.billingEnabled}
            aria-label={`Integrated billing for ${module.name}`}
            disabled={!isAdmin || patch.isPending}
            onClick={() =>
              module.billingEnabled ? setConfirmOff(true) : patch.mutate({ billingEnabled: true })
            }
            className="switch-track"
          >
            <span className="switch-thumb" />
          </button>
          Integrated billing
        </label>
        {isAdmin && (
          <button type="button" className="btn" disabled={sync.isPending} onClick={() => sync.mutate()}>
            {sync.isPending ? "Starting…" : "Sync now"}
          </button>
        )}
      </div>
      <dl className="stats">
        <div>
          <dt>Records</dt>
          <dd>{counts.moduleOrganizations.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Mapped</dt>
          <dd>{counts.mapped.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Unmapped</dt>
          <dd>{counts.unmapped.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Excluded</dt>
          <dd>{counts.excluded.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Last sync</dt>
          <dd>
            {module.lastSync ? (
              <>
                <span className={`badge outcome-${module.lastSync.outcome}`}>{module.lastSync.outcome}</span>{" "}
                {formatDateTime(module.lastSync.finishedAt ?? module.lastSync.startedAt, timeZone)}
              </>
            ) : (
              "never"
            )}
          </dd>
        </div>
      </dl>
      {confirmOff && (
        <ConfirmDialog
          title={`Turn integrated billing off for ${module.name}?`}
          confirmLabel="Turn billing off"
          onCancel={() => setConfirmOff(false)}
          onConfirm={() => {
            setConfirmOff(false);
            patch.mutate({ billingEnabled: false });
          }}
        >
          <p>
            {module.name} leaves the mapping pages and stops feeding billing: {counts.mapped.toLocaleString()}{" "}
            mapped records stop reaching their invoices until billing is turned on again. Mappings are kept;
            turning billing on again restores the module at once.
          </p>
        </ConfirmDialog>
      )}
      <details className="details">
        <summary>Connector and schedule</summary>
        <ConnectorForm
          idPrefix={`module-${module.key}`}
          moduleKey={module.key}
          connector={module.connector}
          schedule={module.schedule}
          connectorRole="module"
          canEdit={isAdmin}
          isSaving={patch.isPending}
          onSave={(change) => patch.mutate(change)}
        />
      </details>
      <details className="details">
        <summary>Sync history</summary>
        <SyncHistory moduleKey={module.key} />
      </details>
    </section>
  );
}
