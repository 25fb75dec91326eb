import type { AppContext } from "../../context.ts";
import { SuggestionRepository } from "../../db/suggestion.repository.ts";
import { buildMatchIndex, type MatchIndex, suggest } from "../../matching/engine.ts";
import { carriedPsaId } from "./suggestion-subject.ts";

interface ModuleEntry {
  fingerprint: string;
  index: MatchIndex;
}

/**
 * The reverse look-up behind a grid cell's combobox: which module organizations of one module may
 * belong to a given organization. One small match index per module whose "organizations" are the
 * module's records (with the PSA id they carry); it finds candidates only, and the caller scores
 * them with the forward engine so both directions show the same score. Rebuilt when the module's
 * records change (a sync adds, renames or drops some).
 */
export class ModuleOrganizationFinder {
  private readonly modules = new Map<string, ModuleEntry>();

  constructor(private readonly ctx: AppContext) {}

  /** Ids of the module's records whose name (or carried PSA id) resembles one of `names`. */
  async find(moduleKey: string, names: readonly string[], psaId: string | null, top = 30): Promise<string[]> {
    const index = await this.indexOf(moduleKey);
    const found = new Set<string>();
    names.forEach((name, i) => {
      const candidates = suggest(index, { id: `query-${i}`, name, psaId: i === 0 ? psaId : null }, { top });
      for (const c of candidates) found.add(c.organizationId);
    });
    return [...found];
  }

  private async indexOf(moduleKey: string): Promise<MatchIndex> {
    const repo = new SuggestionRepository(this.ctx.db);
    const fingerprint = await repo.moduleOrganizationFingerprint(moduleKey);
    const known = this.modules.get(moduleKey);
    if (known && known.fingerprint === fingerprint) return known.index;
    const rows = await repo.moduleOrganizationNames(moduleKey);
    const index = buildMatchIndex({
      organizations: rows.map((r) => ({ id: r.id, name: r.name, psaId: carriedPsaId(r.attributes) })),
    });
    this.modules.set(moduleKey, { fingerprint, index });
    return index;
  }
}
