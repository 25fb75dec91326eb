import type { AppContext } from "../context.ts";
import type { OrganizationFilter } from "../db/organization.repository.ts";
import { repositories } from "../db/repositories.ts";
import type { OrganizationRow } from "../db/schema.ts";
import { decodeCursor } from "../domain/cursor.ts";
import { notFound } from "../domain/errors.ts";
import { isMappableType, type OrganizationType } from "../domain/organization.ts";

export interface OrganizationView {
  id: string;
  psaId: string;
  name: string;
  type: OrganizationType;
  isActive: boolean;
  isMappable: boolean;
  parentId: string | null;
  depth: number;
  status: "active" | "missing";
}

export function toOrganizationView(row: OrganizationRow): OrganizationView {
  return {
    id: row.id,
    psaId: row.psa_id,
    name: row.name,
    type: row.type,
    isActive: row.is_active,
    isMappable: isMappableType(row.type),
    parentId: row.parent_id,
    depth: row.parent_id ? 1 : 0,
    status: row.status,
  };
}

/** Reading PSA organizations (they are written only by the PSA sync, the demo and imports). */
export class OrganizationService {
  constructor(private readonly ctx: AppContext) {}

  async list(filter: OrganizationFilter, page: { limit: number; cursor?: string | undefined }) {
    const { rows, nextCursor } = await repositories(this.ctx.db).organizations.list(
      filter,
      page.limit,
      decodeCursor(page.cursor, { id: "uuid" }),
    );
    return { items: rows.map(toOrganizationView), nextCursor };
  }

  async get(id: string): Promise<OrganizationView> {
    const row = await repositories(this.ctx.db).organizations.findById(id);
    if (!row) throw notFound("organization", id, "id");
    return toOrganizationView(row);
  }
}
