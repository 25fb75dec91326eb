import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { Picker } from "../common/picker.tsx";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import "./billing.css";
import {
  type BillingTypeRow,
  type ModuleBillingTypes,
  SERVICE_MAPPINGS_KEY,
  usePsaServiceOptions,
  useRefetchReconciliationAfterWrites,
  useServiceMappings,
} from "./billing-queries.ts";

const POLICY_WORDS = { latest: "Latest reading", peak: "Peak of the period" } as const;
type Policy = keyof typeof POLICY_WORDS;
const STATUS_WORDS = {
  active: "Active",
  inactive: "Inactive in the PSA",
  unknown: "Not in the last PSA read",
};

/** Billing services: the service mappings (issue 9 item 5): per module and billing type, the PSA service and the units policy. */
export function ServiceMappingsPage() {
  const list = useServiceMappings();
  const { isAdmin } = useSession();
  useRefetchReconciliationAfterWrites();
  return (
    <div className="page">
      <div className="page-head">
        <h1>Billing services</h1>
      </div>
      <p className="muted">
        Service mappings: each billing type a module reports is billed through a PSA service on the recurring
        contract of the organization its usage is mapped to. A billing type without a service mapping bills
        nothing: it shows in reconciliation as such.
        {isAdmin ? "" : " Only administrators can change service mappings."}
      </p>
      {list.isPending && <Loading />}
      {list.isError && <ErrorBanner error={list.error} onRetry={() => void list.refetch()} />}
      {list.data?.modules.length === 0 && <EmptyState>No modules yet.</EmptyState>}
      {list.data?.modules.map((module) => (
        <ModuleSection key={module.moduleKey} module={module} canEdit={isAdmin} />
      ))}
    </div>
  );
}

function ModuleSection({ module, canEdit }: { module: ModuleBillingTypes; canEdit: boolean }) {
  const headingId = `service-mappings-${module.moduleKey}`;
  return (
    <section className="card billing-section" aria-labelledby={headingId} data-module-key={module.moduleKey}>
      <h2 id={headingId}>{module.moduleName}</h2>
      {module.billingTypes.length === 0 ? (
        <p className="muted">
          {module.connectorKind === "itglue"
            ? "IT Glue bills the MSP per technician: it reports no usage per organization."
            : "This module has reported no billing type yet."}
        </p>
      ) : (
        <table className="table" aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col">Billing type</th>
              <th scope="col">PSA service</th>
              <th scope="col">Units policy</th>
              <th scope="col">Service in the PSA</th>
              {canEdit && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {module.billingTypes.map((row) => (
              <BillingTypeLine key={row.key} moduleKey={module.moduleKey} row={row} canEdit={canEdit} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BillingTypeLine(props: { moduleKey: string; row: BillingTypeRow; canEdit: boolean }) {
  const { moduleKey, row, canEdit } = props;
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const timeZone = useSettings().data?.timeZone;
  const mapping = row.serviceMapping;
  const params = { moduleKey, billingType: row.key };
  const onSuccess = (message: string) => () => {
    toast.success(message);
    void queryClient.invalidateQueries({ queryKey: SERVICE_MAPPINGS_KEY });
  };
  const save = useMutation({
    mutationFn: (body: { psaServiceId: string; policy: Policy }) =>
      api.request("PUT /service-mappings/:moduleKey/:billingType", { params, body }),
    onSuccess: onSuccess(`${row.label}: service mapping saved`),
    onError: (error) => toast.error(error),
  });
  const remove = useMutation({
    mutationFn: () => api.request("DELETE /service-mappings/:moduleKey/:billingType", { params }),
    onSuccess: onSuccess(`${row.label}: service mapping removed`),
    onError: (error) => toast.error(error),
  });
  const busy = save.isPending || remove.isPending;
  return (
    <tr data-billing-type={row.key}>
      <th scope="row">
        {row.label}
        <div className="muted small mono">{row.key}</div>
      </th>
      <td>
        {canEdit ? (
          <Picker
            className={`picker-button${mapping ? "" : " is-empty"}${busy ? " is-saving" : ""}`}
            ariaLabel={`PSA service for ${row.label}: ${mapping?.psaServiceName ?? "no service mapping"}`}
            comboLabel="PSA services"
            selectedId={mapping?.psaServiceId ?? null}
            useOptions={usePsaServiceOptions}
            optionsArgs={null}
            onSelect={(option) => {
              if (!option.value || option.value.psaId === mapping?.psaServiceId) return;
              save.mutate({ psaServiceId: option.value.psaId, policy: mapping?.policy ?? "latest" });
            }}
          >
            {mapping ? mapping.psaServiceName : <span className="cell-empty">Choose a service…</span>}
          </Picker>
        ) : (
          <span>{mapping?.psaServiceName ?? ""}</span>
        )}
        {!mapping && (
          <span className="badge badge-warning" data-testid="no-service-mapping">
            No service mapping
          </span>
        )}
      </td>
      <td>
        {mapping && canEdit ? (
          <select
            className="input"
            aria-label={`Units policy for ${row.label}`}
            value={mapping.policy}
            disabled={busy}
            onChange={(event) =>
              save.mutate({ psaServiceId: mapping.psaServiceId, policy: event.target.value as Policy })
            }
          >
            {Object.entries(POLICY_WORDS).map(([value, words]) => (
              <option key={value} value={value}>
                {words}
              </option>
            ))}
          </select>
        ) : (
          <span>{mapping ? POLICY_WORDS[mapping.policy] : "—"}</span>
        )}
      </td>
      <td>
        {mapping ? (
          <>
            <span className={mapping.serviceStatus === "active" ? "" : "error-text"}>
              {STATUS_WORDS[mapping.serviceStatus]}
            </span>
            <div className="muted small">
              by {mapping.updatedBy}, {formatDateTime(mapping.updatedAt, timeZone)}
            </div>
          </>
        ) : (
          "—"
        )}
      </td>
      {canEdit && (
        <td>
          {mapping && (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              aria-label={`Remove the service mapping of ${row.label}`}
              onClick={() => remove.mutate()}
            >
              Remove
            </button>
          )}
        </td>
      )}
    </tr>
  );
}
