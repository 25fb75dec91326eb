import type { ModuleMappingLine, Organization } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { Picker } from "../common/picker.tsx";
import { useModuleOrganizationOptions } from "../mapping/picker-options.ts";
import { Link } from "../shell/router.tsx";

export interface Draft {
  moduleOrganizationId: string | null;
  moduleOrganizationName: string | null;
  ignore: boolean;
  /** Where the chosen module organization is mapped now, if elsewhere: Save moves it. */
  movesFrom: string | null;
}

interface MappingLineProps {
  organization: Organization;
  line: ModuleMappingLine;
  draft: Draft | undefined;
  isChanged: boolean;
  canEdit: boolean;
  onChange(draft: Draft): void;
}

/** One module's line of "Mappings - <name>": a module organization, Ignore, or none. */
export function MappingLine({ organization, line, draft, isChanged, canEdit, onChange }: MappingLineProps) {
  const labels = useTerm();
  const current: Draft = draft ?? {
    moduleOrganizationId: null,
    moduleOrganizationName: null,
    ignore: false,
    movesFrom: null,
  };
  // A line holding several module organizations is changed in Map by Module Organization: the
  // server refuses any other choice here (409 cell_has_multiple), so the line offers none.
  const holdsSeveral = line.extraModuleOrganizations.length > 0;
  const isEditable = canEdit && !holdsSeveral;
  return (
    <tr className={isChanged ? "is-changed" : undefined} data-module-key={line.moduleKey}>
      <th scope="row">{line.moduleName}</th>
      <td>
        {isEditable ? (
          <Picker
            className={`picker-button${current.moduleOrganizationId ? "" : " is-empty"}`}
            ariaLabel={`${line.moduleName}: ${current.moduleOrganizationName ?? "none"}`}
            comboLabel={`${line.moduleName} ${labels.moduleOrganizations}`}
            selectedId={current.moduleOrganizationId}
            useOptions={useModuleOrganizationOptions}
            optionsArgs={{
              moduleKey: line.moduleKey,
              organizationId: organization.id,
              organizationName: organization.name,
              includeNone: current.moduleOrganizationId !== null,
            }}
            onSelect={(option) => {
              const choice = option.value ?? null;
              onChange({
                moduleOrganizationId: choice?.id ?? null,
                moduleOrganizationName: choice?.name ?? null,
                ignore: choice ? false : current.ignore,
                movesFrom:
                  choice?.mapping && choice.mapping.organizationId !== organization.id
                    ? choice.mapping.organizationName
                    : null,
              });
            }}
          >
            {current.moduleOrganizationName ?? <span className="cell-empty">None</span>}
          </Picker>
        ) : (
          <span className="cell-text">{current.moduleOrganizationName ?? "None"}</span>
        )}
      </td>
      <td>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={current.ignore}
            disabled={!isEditable}
            aria-label={`Ignore ${line.moduleName}`}
            onChange={(event) =>
              onChange(
                event.target.checked
                  ? {
                      moduleOrganizationId: null,
                      moduleOrganizationName: null,
                      ignore: true,
                      movesFrom: null,
                    }
                  : { ...current, ignore: false },
              )
            }
          />
          Ignore
        </label>
      </td>
      <td className="notes">
        {current.movesFrom && <span className="badge badge-warning">Will move from {current.movesFrom}</span>}
        {current.ignore && !line.isIgnored && line.moduleOrganizationName && (
          <span className="badge badge-warning">Save will unmap {line.moduleOrganizationName}</span>
        )}
        {line.extraModuleOrganizations.length > 0 && (
          <span>
            Also mapped here: {line.extraModuleOrganizations.map((extra) => extra.name).join(", ")} (
            <Link
              to={`/mapping?tab=module-organizations&organizationId=${encodeURIComponent(organization.id)}&moduleKey=${encodeURIComponent(line.moduleKey)}`}
            >
              change them in {labels.mapByModuleOrganization}
            </Link>
            )
          </span>
        )}
        {isChanged && <span className="badge badge-open">changed</span>}
      </td>
    </tr>
  );
}
