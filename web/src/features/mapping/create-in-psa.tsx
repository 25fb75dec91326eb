import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { ModuleOrganization } from "../../api/api-types.ts";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { invalidateMappingData } from "./mapping-queries.ts";

/** The types a new PSA organization may have: only mappable ones (Dead and Cancelation never). */
const TYPES = ["Customer", "Lead", "Prospect", "Vendor", "Partner"] as const;

/**
 * "Create in Autotask" for an unmapped module organization (issue 14 item 5), admins only: a form
 * prefilled from the server (name, Customer, the parent its parent module organization maps to),
 * then one request that creates the company, stores it and maps the row to it (Undo unmaps; the
 * company stays in Autotask, which cannot delete companies through its API).
 */
export function CreateInPsaButton({ row }: { row: ModuleOrganization }) {
  const { isAdmin } = useSession();
  const [isOpen, setOpen] = useState(false);
  if (!isAdmin || row.mapping || row.isExcluded) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Create ${row.name} in Autotask`}
        onClick={() => setOpen(true)}
      >
        Create in Autotask
      </button>
      {isOpen ? <CreateInPsaDialog row={row} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

export function CreateInPsaDialog({ row, onClose }: { row: ModuleOrganization; onClose(): void }) {
  const api = useApi();
  const labels = useTerm();
  const queryClient = useQueryClient();
  const changed = useChangeToast();
  const params = { id: row.id };
  const prefill = useQuery({
    queryKey: ["psa-organization-prefill", row.id],
    queryFn: () => api.request("GET /module-organizations/:id/psa-organization", { params }),
  });
  const [draft, setDraft] = useState<{
    name?: string;
    type?: string;
    phone: string;
    owner: string;
    noParent: boolean;
  }>({ phone: "", owner: "", noParent: false });
  const create = useMutation({
    mutationFn: () =>
      api.request("POST /module-organizations/:id/psa-organization", {
        params,
        body: {
          name: draft.name ?? prefill.data?.name ?? row.name,
          type: (draft.type ?? prefill.data?.type ?? "Customer") as (typeof TYPES)[number],
          ...(draft.noParent ? { parentOrganizationId: null } : {}),
          phone: draft.phone,
          ownerResourceId: draft.owner,
        },
      }),
    onSuccess: (created) => {
      changed(
        `Created ${created.organization.name} in Autotask (id ${created.organization.psaId})${created.isMapped ? ` and mapped ${row.name} to it` : ""}`,
        created.stepId,
      );
      invalidateMappingData(queryClient);
      onClose();
    },
  });
  const data = prefill.data;
  const canSubmit = data?.canCreate === true && draft.phone.trim() !== "" && /^\d+$/.test(draft.owner.trim());
  return (
    <ConfirmDialog
      title={`Create in Autotask: ${row.name}`}
      confirmLabel={create.isPending ? "Creating…" : "Create and map"}
      isBusy={!canSubmit || create.isPending}
      onConfirm={() => create.mutate()}
      onCancel={onClose}
    >
      {prefill.error ? <ErrorBanner error={prefill.error} /> : null}
      {create.error ? <ErrorBanner error={create.error} /> : null}
      {data && !data.canCreate ? <p role="alert">Cannot create here: {data.whyNot}</p> : null}
      {data?.openAttempt ? (
        <p className="muted">
          An earlier attempt for “{data.openAttempt.name}” got no answer; creating again looks for that
          company first, so it is never created twice.
        </p>
      ) : null}
      {data ? (
        <form className="form" aria-label="New Autotask organization" onSubmit={(e) => e.preventDefault()}>
          <label className="field">
            <span>Name</span>
            <input
              className="input"
              required
              maxLength={100}
              value={draft.name ?? data.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Type</span>
            <select
              className="input"
              value={draft.type ?? data.type}
              onChange={(e) => setDraft({ ...draft, type: e.target.value })}
            >
              {TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          {data.parent ? (
            <label className="field field-inline">
              <input
                type="checkbox"
                checked={!draft.noParent}
                onChange={(e) => setDraft({ ...draft, noParent: !e.target.checked })}
              />
              <span>
                Sub-organization of {data.parent.name} ({labels.psaOrganization} {data.parent.psaId})
              </span>
            </label>
          ) : null}
          <label className="field">
            <span>Phone (Autotask requires one)</span>
            <input
              className="input"
              required
              maxLength={25}
              value={draft.phone}
              onChange={(e) => setDraft({ ...draft, phone: e.target.value })}
            />
          </label>
          {data.owners && data.owners.length > 0 ? (
            <label className="field">
              <span>Owner (the account manager in Autotask)</span>
              <select
                className="input"
                required
                value={draft.owner}
                onChange={(e) => setDraft({ ...draft, owner: e.target.value })}
              >
                <option value="">Choose an active resource…</option>
                {data.owners.map((owner) => (
                  <option key={owner.id} value={owner.id}>
                    {owner.name}
                    {owner.email ? ` (${owner.email})` : ""} · id {owner.id}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <>
              <p className="muted" role="status">
                {data.ownersError
                  ? `Autotask's resources could not be read (${data.ownersError}): type the owner's resource id.`
                  : "Autotask lists no active resources: type the owner's resource id."}
              </p>
              <label className="field">
                <span>Owner resource id (the account manager in Autotask)</span>
                <input
                  className="input"
                  required
                  inputMode="numeric"
                  value={draft.owner}
                  onChange={(e) => setDraft({ ...draft, owner: e.target.value })}
                />
              </label>
            </>
          )}
          <p className="muted">
            Undo unmaps {row.name}; the company stays in Autotask (its API cannot delete companies).
          </p>
        </form>
      ) : null}
    </ConfirmDialog>
  );
}
