import { ROLES } from "../../../../src/domain/role.ts";
import type { Role } from "../../api/api-types.ts";
import { Field } from "../common/field.tsx";

/** The role of a new user or API token: a labelled select of the roles. */
export function RoleField({
  value,
  onChange,
  help,
}: {
  value: Role;
  onChange: (role: Role) => void;
  help?: string;
}) {
  return (
    <Field label="Role" {...(help === undefined ? {} : { help })}>
      {(control) => (
        <select
          className="input"
          value={value}
          onChange={(e) => onChange(e.target.value as Role)}
          {...control}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
