import type { AppContext } from "../context.ts";
import type {
  ModuleOrganizationListRow,
  ModuleOrganizationStatusFilter,
} from "../db/module-organization.repository.ts";
import { repositories } from "../db/repositories.ts";
import { decodeCursor } from "../domain/cursor.ts";
import { notFound } from "../domain/errors.ts";
import type { ModuleOrganizationSort } from "../domain/list-sorts.ts";
import { mappingNeedsAttention } from "../domain/mapping.ts";
import type { OrganizationType } from "../domain/organization.ts";

export interface ModuleOrganizationView {
  id: string;
  moduleKey: string;
  moduleName: string;
  externalId: string;
  name: string;
  parentId: string | null;
  depth: number;
  status: "active" | "missing";
  isExcluded: boolean;
  attributes: Record<string, unknown>;
  mapping: {
    organizationId: string;
    organizationName: string;
    organizationType: OrganizationType;
    needsAttention: boolean;
    version: number;
  } | null;
  version: number;
}

export function toModuleOrganizationView(row: ModuleOrganizationListRow): ModuleOrganizationView {
  return {
    id: row.id,
    moduleKey: row.module_key,
    moduleName: row.module_name,
    externalId: row.external_id,
    name: row.name,
    parentId: row.parent_id,
    depth: row.parent_id ? 1 : 0,
    status: row.status,
    isExcluded: row.is_excluded,
    attributes: row.attributes,
    mapping:
      row.organization_id && row.organization_name && row.organization_type
        ? {
            organizationId: row.organization_id,
            organizationName: row.organization_name,
            organizationType: row.organization_type as OrganizationType,
            needsAttention: mappingNeedsAttention(row.organization_type as OrganizationType, row.status),
            version: row.version,
          }
        : null,
    version: row.version,
  };
}

/** Map by Module Organization (rule 5): every module organization of the ready modules. */
export class ModuleOrganizationService {
  constructor(private readonly ctx: AppContext) {}

  async list(
    filter: {
      moduleKey?: string | undefined;
      status?: ModuleOrganizationStatusFilter | undefined;
      search?: string | undefined;
      organizationId?: string | undefined;
      needsAttention?: boolean | undefined;
    },
    page: {
      limit: number;
      cursor?: string | undefined;
      orderBy?: "tree" | "unmappedFirst" | undefined;
      /** Start at this row of the order instead of after a cursor. */
      offset?: number | undefined;
      /** Tab 2's order (default `name`: the tree order); pickers' `unmappedFirst` takes precedence. */
      sort?: ModuleOrganizationSort | undefined;
      withTotal?: boolean | undefined;
    },
  ) {
    const repos = repositories(this.ctx.db);
    const ready = await repos.modules.readyKeys();
    if (filter.moduleKey && !(await repos.modules.findByKey(filter.moduleKey))) {
      throw notFound("module", filter.moduleKey, "moduleKey");
    }
    if (filter.organizationId && !(await repos.organizations.findById(filter.organizationId))) {
      throw notFound("organization", filter.organizationId, "organizationId");
    }
    const moduleKeys = filter.moduleKey ? ready.filter((k) => k === filter.moduleKey) : ready;
    const cursor =
      page.offset !== undefined && page.orderBy !== "unmappedFirst"
        ? { o: page.offset }
        : decodeCursor(page.cursor, { id: "uuid" });
    const [{ rows, nextCursor }, total] = await Promise.all([
      repos.moduleOrganizations.list(
        { ...filter, moduleKeys },
        { limit: page.limit, cursor, orderBy: page.orderBy ?? "tree", sort: page.sort },
      ),
      page.withTotal ? repos.moduleOrganizations.count({ ...filter, moduleKeys }) : null,
    ]);
    return { items: rows.map(toModuleOrganizationView), nextCursor, ...(total === null ? {} : { total }) };
  }

  async get(id: string): Promise<ModuleOrganizationView> {
    const repos = repositories(this.ctx.db);
    const row = await repos.moduleOrganizations.findById(id);
    if (!row) throw notFound("module organization", id, "id");
    const { rows } = await repos.moduleOrganizations.list(
      { moduleKeys: [row.module_key], ids: [id] },
      { limit: 1, cursor: undefined, orderBy: "tree" },
    );
    return toModuleOrganizationView(rows[0]!);
  }
}
