import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { ModuleOrganization, ModuleOrganizationPage } from "../../api/api-types.ts";
import type { BulkMappingInput } from "../../api/request-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { Picker } from "../common/picker.tsx";
import { useToast } from "../common/toast.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { invalidateMappingData } from "./mapping-queries.ts";
import { type TargetChoice, useTargetOrganizationOptions } from "./picker-options.ts";

interface BulkMapBarProps {
  /** The selected rows by id, as they were when selected. */
  selected: ReadonlyMap<string, ModuleOrganization>;
  onDone(): void;
}

/**
 * The newest copy of each selected row: the cached tab 2 block answered last, or the row as selected
 * when its block has left the cache (a mapping may have changed since the row was selected).
 */
function latestRows(queryClient: QueryClient, selected: ReadonlyMap<string, ModuleOrganization>) {
  const latest = new Map(selected);
  const queries = queryClient
    .getQueryCache()
    .findAll({ queryKey: ["module-organizations"] })
    .sort((a, b) => a.state.dataUpdatedAt - b.state.dataUpdatedAt);
  for (const query of queries) {
    const page = query.state.data as ModuleOrganizationPage | undefined;
    for (const row of page?.items ?? []) if (latest.has(row.id)) latest.set(row.id, row);
  }
  return [...latest.values()];
}

/** "Map selected to …": one target for many module organizations (rule 5), asking first when some move. */
export function BulkMapBar({ selected, onDone }: BulkMapBarProps) {
  const api = useApi();
  const labels = useTerm();
  const queryClient = useQueryClient();
  const toast = useToast();
  const changed = useChangeToast();
  const [confirming, setConfirming] = useState<{ target: TargetChoice; moving: number } | null>(null);
  const ids = [...selected.keys()];
  const bulk = useMutation({
    mutationFn: (target: TargetChoice) =>
      api.request("POST /module-organizations/bulk-mapping", {
        body: { moduleOrganizationIds: ids, organizationId: target.id } satisfies BulkMappingInput,
      }),
    onSuccess: (result, target) => {
      const moved = result.moved ? `, ${result.moved} moved` : "";
      changed(
        `Mapped ${result.applied} to ${target.name}${moved}`,
        result.applied > 0 ? result.stepId : null,
      );
      invalidateMappingData(queryClient);
      onDone();
    },
    onError: (error) => toast.error(error, () => invalidateMappingData(queryClient)),
  });
  const choose = (target: TargetChoice) => {
    const moving = latestRows(queryClient, selected).filter(
      (row) => row.mapping && row.mapping.organizationId !== target.id,
    ).length;
    if (moving > 0) setConfirming({ target, moving });
    else bulk.mutate(target);
  };
  return (
    <section className="bulk-bar" aria-label="Selection">
      <strong>{ids.length} selected</strong>
      <Picker
        className="btn btn-primary"
        ariaLabel="Map selected to …"
        comboLabel={labels.psaOrganization}
        useOptions={useTargetOrganizationOptions}
        optionsArgs={{ includeNone: false }}
        onSelect={(option) => option.value && choose(option.value)}
      >
        {bulk.isPending ? "Mapping…" : "Map selected to …"}
      </Picker>
      <button type="button" className="btn" onClick={onDone}>
        Clear selection
      </button>
      {confirming && (
        <ConfirmDialog
          title="Move mapped records?"
          confirmLabel="Map and move"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            bulk.mutate(confirming.target);
            setConfirming(null);
          }}
        >
          <p>
            {confirming.moving} of the {ids.length} selected {labels.moduleOrganizations.toLowerCase()} are
            mapped elsewhere and will move to <strong>{confirming.target.name}</strong>.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
