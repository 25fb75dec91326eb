import type { AppContext } from "../context.ts";
import { type GridFilter, GridRepository } from "../db/grid.repository.ts";
import { repositories } from "../db/repositories.ts";
import { decodeCursor } from "../domain/cursor.ts";
import type { GridSort } from "../domain/list-sorts.ts";
import { stateOf } from "./module.service.ts";
import { toOrganizationView } from "./organization.service.ts";
import { readPairs } from "./pair-selection.ts";
import type { SettingsService } from "./settings.service.ts";

/** Map by Organization (rule 4): a page of rows with one cell per ready module, in the user's column order. */
export class GridService {
  constructor(
    private readonly ctx: AppContext,
    private readonly settings: SettingsService,
  ) {}

  async page(
    userId: string | null,
    filter: Omit<GridFilter, "moduleKeys">,
    page: {
      limit: number;
      cursor?: string | undefined;
      offset?: number | undefined;
      withTotal?: boolean;
      /** The rows' order (default `name`: the tree order). */
      sort?: GridSort | undefined;
    },
  ) {
    const repos = repositories(this.ctx.db);
    const modules = await repos.modules.list();
    const ready = modules.filter((m) => stateOf(m) === "ready").map((m) => m.key);
    const order = await this.settings.columnOrder(userId, ready);
    const names = new Map(modules.map((m) => [m.key, m.name]));
    const grid = new GridRepository(this.ctx.db);
    const fullFilter = { ...filter, moduleKeys: order };
    const [{ rows, nextCursor }, total] = await Promise.all([
      grid.page(
        fullFilter,
        page.limit,
        page.offset !== undefined ? { o: page.offset } : decodeCursor(page.cursor, { id: "uuid" }),
        page.sort,
      ),
      page.withTotal === false ? Promise.resolve(null) : grid.count(fullFilter),
    ]);
    const pair = await readPairs(
      repos,
      rows.map((r) => r.id),
      order,
    );
    return {
      columns: order.map((key) => ({ moduleKey: key, name: names.get(key) ?? key })),
      items: rows.map((row) => ({
        organization: toOrganizationView(row),
        cells: Object.fromEntries(
          order.map((key) => {
            const cell = pair(row.id, key);
            return [
              key,
              { state: cell.state, moduleOrganizations: cell.moduleOrganizations, version: cell.version },
            ];
          }),
        ),
      })),
      nextCursor,
      total,
    };
  }
}
