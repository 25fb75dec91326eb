import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { ModuleOrganization } from "../../api/api-types.ts";
import type { MappingInput } from "../../api/request-types.ts";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { Picker } from "../common/picker.tsx";
import { useToast } from "../common/toast.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { Link } from "../shell/router.tsx";
import { CreateInPsaDialog } from "./create-in-psa.tsx";
import { invalidateMappingData } from "./mapping-queries.ts";
import { type TargetChoice, useTargetOrganizationOptions } from "./picker-options.ts";

function useWrite<TVars>(
  fn: (vars: TVars) => Promise<{ stepId: string | null }>,
  success: (vars: TVars) => string,
) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const changed = useChangeToast();
  return useMutation({
    mutationFn: fn,
    onSuccess: (data, vars) => {
      changed(success(vars), data.stepId);
      invalidateMappingData(queryClient);
    },
    onError: (error) => toast.error(error, () => invalidateMappingData(queryClient)),
  });
}

/** The target of one module organization: a link to it, and (for editors) a picker of mappable organizations. */
export function TargetCell({ row, canEdit }: { row: ModuleOrganization; canEdit: boolean }) {
  const api = useApi();
  const labels = useTerm();
  const params = { id: row.id };
  const map = useWrite(
    (org: TargetChoice | null) =>
      org
        ? api.request("PUT /module-organizations/:id/mapping", {
            params,
            body: { organizationId: org.id, version: row.version } satisfies MappingInput,
          })
        : api.request("DELETE /module-organizations/:id/mapping", { params }),
    (org) => (org ? `Mapped ${row.name} to ${org.name}` : `Unmapped ${row.name}`),
  );
  const mapping = row.mapping;
  // Where a search finds no organization, an admin may create it in Autotask (issue 14 item 5).
  const { isAdmin } = useSession();
  const [isCreating, setCreating] = useState(false);
  const canCreate = isAdmin && !mapping && !row.isExcluded;
  const badge = mapping?.needsAttention && (
    <span
      className="badge badge-warning"
      title={`Target is ${mapping.organizationType} or the record is missing`}
    >
      Needs attention
    </span>
  );
  return (
    <div className="target-cell">
      {canEdit ? (
        <Picker
          className={`picker-button${mapping ? "" : " is-empty"}${map.isPending ? " is-saving" : ""}`}
          ariaLabel={`${labels.psaOrganization} for ${row.name}: ${mapping?.organizationName ?? "not mapped"}`}
          comboLabel={labels.psaOrganization}
          selectedId={mapping?.organizationId ?? null}
          useOptions={useTargetOrganizationOptions}
          optionsArgs={{ includeNone: mapping !== null, moduleOrganizationId: row.id, rowName: row.name }}
          onSelect={(option) => {
            const org = option.value ?? null;
            if (org?.id === mapping?.organizationId || (!org && !mapping)) return;
            map.mutate(org);
          }}
          {...(canCreate
            ? {
                emptyAction: (close: () => void) => (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => {
                      close();
                      setCreating(true);
                    }}
                  >
                    Create in Autotask
                  </button>
                ),
              }
            : {})}
        >
          {mapping ? mapping.organizationName : <span className="cell-empty">Choose…</span>}
        </Picker>
      ) : (
        <span className="cell-text">{mapping?.organizationName ?? "—"}</span>
      )}
      {mapping && (
        <Link
          className="icon-link"
          to={`/organizations/${encodeURIComponent(mapping.organizationId)}`}
          aria-label={`Open ${mapping.organizationName}`}
          title={`Open ${mapping.organizationName}`}
        >
          ↗
        </Link>
      )}
      {badge}
      {isCreating ? <CreateInPsaDialog row={row} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

/** Exclude ("never bill this") or include again. */
export function ExclusionButton({ row }: { row: ModuleOrganization }) {
  const api = useApi();
  const params = { id: row.id };
  const toggle = useWrite(
    (exclude: boolean) =>
      exclude
        ? api.request("PUT /module-organizations/:id/exclusion", { params })
        : api.request("DELETE /module-organizations/:id/exclusion", { params }),
    (exclude) => (exclude ? `Excluded ${row.name}` : `Included ${row.name}`),
  );
  return (
    <button
      type="button"
      className="btn btn-small"
      disabled={toggle.isPending}
      aria-label={`${row.isExcluded ? "Include" : "Exclude"} ${row.name}`}
      onClick={() => toggle.mutate(!row.isExcluded)}
    >
      {row.isExcluded ? "Include" : "Exclude"}
    </button>
  );
}
