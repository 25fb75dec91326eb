import type { ModuleOrganizationRecord } from "../connector.ts";
import {
  checkId,
  checkName,
  DUPLICATE_REASON,
  type MapResult,
  optionalText,
  rejection,
  type SeenIds,
} from "../record-checks.ts";

const KNOWN_COLUMNS = new Map([
  ["externalid", "externalId"],
  ["name", "name"],
  ["parentexternalid", "parentExternalId"],
]);

/** Finds a column regardless of case ("ExternalId", "externalid"), since files are often hand-made. */
function pick(row: Record<string, unknown>, wanted: string): unknown {
  for (const [key, value] of Object.entries(row)) {
    if (key.trim().toLowerCase() === wanted.toLowerCase()) return value;
  }
  return undefined;
}

/** True when a header (or the first JSON item) has the two required columns. */
export function hasRequiredColumns(columns: readonly string[]): boolean {
  const lower = new Set(columns.map((column) => column.trim().toLowerCase()));
  return lower.has("externalid") && lower.has("name");
}

/**
 * Maps one row of a file. `where` locates the row ("line 7", "item 3") and prefixes every reason,
 * so the admin can fix the file. Columns other than the three known ones become attributes.
 */
export function mapFileRow(
  row: Record<string, unknown>,
  where: string,
  seen: SeenIds,
): MapResult<ModuleOrganizationRecord> {
  const id = checkId(pick(row, "externalId"), "externalId");
  if (!id.ok) return { rejected: rejection(`${where}: ${id.reason}`, row) };
  const name = checkName(pick(row, "name"));
  if (!name.ok) return { rejected: rejection(`${where}: ${name.reason}`, row) };
  const parentRaw = pick(row, "parentExternalId");
  let parent: string | null = null;
  if (parentRaw !== undefined && parentRaw !== null && String(parentRaw).trim() !== "") {
    const checked = checkId(parentRaw, "parentExternalId");
    if (!checked.ok) return { rejected: rejection(`${where}: ${checked.reason}`, row) };
    parent = checked.value;
  }
  if (parent === id.value)
    return { rejected: rejection(`${where}: parentExternalId is the row's own id`, row) };
  if (!seen.claim(id.value)) return { rejected: rejection(`${where}: ${DUPLICATE_REASON}`, row) };
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (KNOWN_COLUMNS.has(key.trim().toLowerCase()) || key.trim() === "") continue;
    if (typeof value === "number" || typeof value === "boolean") attributes[key.trim()] = value;
    else {
      const text = optionalText(value);
      if (text !== null) attributes[key.trim()] = text;
    }
  }
  return { record: { externalId: id.value, name: name.value, parentExternalId: parent, attributes } };
}
