import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, memo, useState } from "react";
import type { termLabels } from "../../../../src/domain/term.ts";
import { useApi } from "../../api/api-context.tsx";
import type { GridCell as GridCellData, GridColumn, GridRow } from "../../api/api-types.ts";
import type { CellInput } from "../../api/request-types.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { Picker } from "../common/picker.tsx";
import { useToast } from "../common/toast.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { Link } from "../shell/router.tsx";
import { invalidateMappingData } from "./mapping-queries.ts";
import { type ModuleOrganizationChoice, useModuleOrganizationOptions } from "./picker-options.ts";

interface GridCellProps {
  row: GridRow;
  column: GridColumn;
  canEdit: boolean;
  labels: ReturnType<typeof termLabels>;
  /** "row:col" coordinates, used by the grid's arrow-key navigation. */
  coordinates: string;
  onKeyDown(event: KeyboardEvent<HTMLElement>): void;
}

/** A cell the row does not carry (a column that just appeared): empty, and no version to check. */
type ShownCell = Omit<GridCellData, "version"> & { version?: string | undefined };
const EMPTY_CELL: ShownCell = { state: "empty", moduleOrganizations: [] };

/**
 * One (organization, module) cell of tab 1 (rule 4). Memoized: while the grid scrolls, cells whose row
 * data did not change are not rendered again (the grid passes stable props).
 */
export const GridCell = memo(function GridCell(props: GridCellProps) {
  const { row, column, canEdit, labels, coordinates, onKeyDown } = props;
  const cell = row.cells[column.moduleKey] ?? EMPTY_CELL;
  const organization = row.organization;
  const current = cell.state === "mapped" ? (cell.moduleOrganizations[0] ?? null) : null;
  const { pending, setPending, save } = useCellWrite(row, column, cell);

  if (cell.state === "multiple") {
    return (
      <Link
        className="cell-link"
        data-cell={coordinates}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        to={`/mapping?tab=module-organizations&organizationId=${encodeURIComponent(organization.id)}&moduleKey=${encodeURIComponent(column.moduleKey)}`}
        title={cell.moduleOrganizations.map((m) => m.name).join("\n")}
      >
        {cell.moduleOrganizations.length} module {labels.plural.toLowerCase()}
      </Link>
    );
  }
  const content =
    cell.state === "ignored" ? (
      <span className="cell-ignored">ignored</span>
    ) : current ? (
      <span className="cell-text">{current.name}</span>
    ) : (
      <span className="cell-empty">—</span>
    );
  const stateWord = cell.state === "ignored" ? "ignored" : (current?.name ?? "not mapped");
  if (!canEdit) {
    return (
      // biome-ignore lint/a11y/noStaticElementInteractions: read-only grid cells take focus for arrow-key navigation
      <span className="cell-static" tabIndex={-1} data-cell={coordinates} onKeyDown={onKeyDown}>
        {content}
      </span>
    );
  }
  return (
    <>
      <Picker
        className={`cell-button cell-${cell.state}${save.isPending ? " is-saving" : ""}`}
        ariaLabel={`${column.name} for ${organization.name}: ${stateWord}`}
        comboLabel={`${column.name} ${labels.moduleOrganizations}`}
        dataCell={coordinates}
        onButtonKeyDown={onKeyDown}
        selectedId={current?.id ?? null}
        useOptions={useModuleOrganizationOptions}
        optionsArgs={{
          moduleKey: column.moduleKey,
          organizationId: organization.id,
          organizationName: organization.name,
          includeNone: current !== null,
        }}
        onSelect={(option) => {
          const choice = option.value ?? null;
          if (choice && choice.id === current?.id) return;
          if (choice?.mapping && choice.mapping.organizationId !== organization.id) setPending(choice);
          else save.mutate(choice);
        }}
      >
        {content}
      </Picker>
      {pending?.mapping && (
        <ConfirmDialog
          title={`Move ${labels.moduleOrganization.toLowerCase()}?`}
          confirmLabel="Move"
          isBusy={save.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            save.mutate(pending);
            setPending(null);
          }}
        >
          <p>
            <strong>{pending.name}</strong> ({column.name}) is mapped to{" "}
            <strong>{pending.mapping.organizationName}</strong>.
          </p>
          <p>
            Move it to <strong>{organization.name}</strong>? {pending.mapping.organizationName} will no longer
            receive its usage.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
});

function useCellWrite(row: GridRow, column: GridColumn, cell: ShownCell) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const changed = useChangeToast();
  const [pending, setPending] = useState<ModuleOrganizationChoice>(null);
  const save = useMutation({
    mutationFn: (choice: ModuleOrganizationChoice) =>
      api.request("PUT /mapping-grid/cell", {
        body: {
          organizationId: row.organization.id,
          moduleKey: column.moduleKey,
          moduleOrganizationId: choice?.id ?? null,
          version: cell.version,
        } satisfies CellInput,
      }),
    onSuccess: (result, choice) => {
      const moved = result.movedFrom ? ` (moved from ${result.movedFrom.organizationName})` : "";
      changed(
        choice
          ? `Mapped ${choice.name} to ${row.organization.name}${moved}`
          : `Unmapped ${column.name} for ${row.organization.name}`,
        result.stepId,
      );
      invalidateMappingData(queryClient);
    },
    onError: (error) => toast.error(error, () => invalidateMappingData(queryClient)),
  });
  return { pending, setPending, save };
}
