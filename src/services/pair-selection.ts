import type { Repositories } from "../db/repositories.ts";
import { AppError, invalidValue } from "../domain/errors.ts";
import { type CellState, cellState, pairVersion } from "../domain/mapping.ts";
import type { AuditStep } from "./audit-step.ts";
import {
  lockWritable,
  type MappableOrganization,
  type ReadyModule,
  type WritableModuleOrganization,
} from "./mapping-rules.ts";
import { applyIgnore, applyMapping, type MovedFrom } from "./mapping-writes.ts";

export interface PairState {
  moduleOrganizations: { id: string; name: string }[];
  isIgnored: boolean;
  state: CellState;
  version: string;
}

/** The state of (organization, module) pairs: what a grid cell or an organization-page line shows. */
export async function readPairs(repos: Repositories, organizationIds: string[], moduleKeys: string[]) {
  const [mapped, ignored] = await Promise.all([
    repos.mappings.mappedTo(organizationIds, moduleKeys),
    repos.mappings.ignoredModuleKeys(organizationIds, moduleKeys),
  ]);
  const ignoredSet = new Set(ignored.map((i) => `${i.organization_id}/${i.module_key}`));
  const byPair = new Map<string, { id: string; name: string }[]>();
  for (const m of mapped) {
    const key = `${m.organization_id}/${m.module_key}`;
    const list = byPair.get(key) ?? [];
    list.push({ id: m.module_organization_id, name: m.module_organization_name });
    byPair.set(key, list);
  }
  return (organizationId: string, moduleKey: string): PairState => {
    const key = `${organizationId}/${moduleKey}`;
    const moduleOrganizations = byPair.get(key) ?? [];
    const isIgnored = ignoredSet.has(key);
    return {
      moduleOrganizations,
      isIgnored,
      state: cellState(moduleOrganizations.length, isIgnored),
      version: pairVersion(
        moduleOrganizations.map((m) => m.id),
        isIgnored,
      ),
    };
  };
}

async function readPair(repos: Repositories, organizationId: string, moduleKey: string) {
  return (await readPairs(repos, [organizationId], [moduleKey]))(organizationId, moduleKey);
}

/** What a grid cell or an organization-page line asks for: a module organization, Ignore, or none. */
export interface PairSelection {
  moduleOrganizationId: string | null;
  ignore: boolean;
  /** The pair's version the client saw; a change based on another one is refused (409, rule 10). */
  version?: string | undefined;
}

/**
 * Sets what an (organization, module) pair holds: the one write of a grid cell (rule 4) and of an
 * organization-page line (rule 6). Choosing a module organization maps it here (moving it from
 * where it was, rule 3) and unmaps the one the pair held; none unmaps; Ignore unmaps and ignores.
 *
 * A pair holding several module organizations: a selection that names one of them changes
 * nothing; any other selection is refused (409 `cell_has_multiple`), because those are edited one
 * by one in Map by Module Organization (rule 4), and a single choice silently unmapping the others
 * would stop billing them.
 *
 * Concurrency: the pair is locked first (one writer of a pair at a time), then the module
 * organizations it holds and the chosen one; the version is compared with the pair as read after
 * those locks, so two writers sent with the same version cannot both win.
 */
export async function setPairSelection(
  repos: Repositories,
  step: AuditStep,
  pair: { organization: MappableOrganization; module: ReadyModule },
  selection: PairSelection,
  options: { source: "grid" | "organization_page"; field: (name: string) => string },
): Promise<{ pair: PairState; movedFrom: MovedFrom | null }> {
  const { organization, module } = pair;
  const { field } = options;
  const chosenId = selection.moduleOrganizationId;
  if (chosenId !== null && selection.ignore) {
    throw invalidValue(
      field("ignore"),
      "a selection cannot both hold a module organization and ignore the module",
    );
  }
  await repos.mappings.lockPairs(organization.id, [module.key]);
  // A module organization's mapping changes only under its row lock: once every row the pair holds
  // (and the chosen one) is locked, the pair read next stays as read until this transaction ends.
  const locked = new Map<string, WritableModuleOrganization>();
  let before = await readPair(repos, organization.id, module.key);
  for (;;) {
    const wanted = [...before.moduleOrganizations.map((m) => m.id), ...(chosenId === null ? [] : [chosenId])];
    const missing = wanted.filter((id) => !locked.has(id));
    if (missing.length === 0) break;
    for (const row of await lockWritable(repos, missing, {
      field: () => field("moduleOrganizationId"),
      module,
    }))
      locked.set(row.id, row);
    before = await readPair(repos, organization.id, module.key);
  }
  if (selection.version !== undefined && selection.version !== before.version) {
    throw new AppError(
      "version_conflict",
      `${module.name} of ${organization.name} was changed by someone else; reload and try again`,
      { field: field("version") },
    );
  }
  if (chosenId !== null && before.moduleOrganizations.some((m) => m.id === chosenId)) {
    return { pair: before, movedFrom: null };
  }
  if (before.moduleOrganizations.length > 1) {
    throw new AppError(
      "cell_has_multiple",
      `${before.moduleOrganizations.length} module organizations are mapped to ${organization.name} in ${module.name}; change them in Map by Module Organization`,
      { field: field("moduleOrganizationId") },
    );
  }
  const held = before.moduleOrganizations[0];
  const heldRow = held ? locked.get(held.id) : undefined;
  if (heldRow) await applyMapping(repos, step, heldRow, null, options.source);
  let movedFrom: MovedFrom | null = null;
  const chosen = chosenId === null ? undefined : locked.get(chosenId);
  if (chosen) movedFrom = (await applyMapping(repos, step, chosen, organization, options.source)).movedFrom;
  else await applyIgnore(repos, step, pair, selection.ignore);
  return { pair: await readPair(repos, organization.id, module.key), movedFrom };
}
