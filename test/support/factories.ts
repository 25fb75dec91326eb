import type { Db } from "../../src/db/database.ts";
import { repositories } from "../../src/db/repositories.ts";
import type { OrganizationType } from "../../src/domain/organization.ts";

/** Test data builders with sensible defaults; each writes through the repositories. */

let sequence = 0;
const next = () => ++sequence;

export async function buildOrganization(
  db: Db,
  overrides: {
    name?: string;
    type?: OrganizationType;
    psaId?: string;
    isActive?: boolean;
    parentPsaId?: string | null;
  } = {},
) {
  const n = next();
  const repos = repositories(db);
  const [result] = await repos.organizations.upsertMany(
    [
      {
        psaId: overrides.psaId ?? `psa-${n}`,
        name: overrides.name ?? `Organization ${n}`,
        type: overrides.type ?? "Customer",
        isActive: overrides.isActive ?? true,
        parentPsaId: overrides.parentPsaId ?? null,
      },
    ],
    new Date("2026-01-01T00:00:00Z"),
  );
  await repos.organizations.recomputeTreeSort();
  const row = await repos.organizations.findById(result!.id);
  return row!;
}

/** A module; `ready` (billing on and synced once) unless said otherwise. */
export async function buildModule(
  db: Db,
  overrides: {
    key?: string;
    name?: string;
    state?: "disabled" | "awaiting_first_sync" | "ready";
    createdAt?: Date;
  } = {},
) {
  const n = next();
  const key = overrides.key ?? `module-${n}`;
  const repos = repositories(db);
  await repos.modules.insert({
    key,
    name: overrides.name ?? `Module ${n}`,
    createdAt: overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  });
  const state = overrides.state ?? "ready";
  if (state !== "disabled") {
    await repos.modules.update(key, {
      billing_enabled: true,
      billing_changed_at: new Date("2026-01-01T00:00:00Z"),
      first_successful_sync_at: state === "ready" ? new Date("2026-01-01T01:00:00Z") : null,
    });
  }
  return (await repos.modules.findByKey(key))!;
}

export async function buildModuleOrganization(
  db: Db,
  moduleKey: string,
  overrides: {
    name?: string;
    externalId?: string;
    parentExternalId?: string | null;
    attributes?: Record<string, unknown>;
  } = {},
) {
  const n = next();
  const repos = repositories(db);
  const [result] = await repos.moduleOrganizations.upsertMany(
    moduleKey,
    [
      {
        externalId: overrides.externalId ?? `ext-${n}`,
        name: overrides.name ?? `Module Organization ${n}`,
        parentExternalId: overrides.parentExternalId ?? null,
        attributes: overrides.attributes ?? {},
      },
    ],
    new Date("2026-01-01T00:00:00Z"),
  );
  await repos.moduleOrganizations.recomputeTreeSort(moduleKey);
  return (await repos.moduleOrganizations.findById(result!.id))!;
}
