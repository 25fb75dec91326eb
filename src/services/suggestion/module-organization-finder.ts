import type { AppContext } from "../../context.ts";
import { SuggestionRepository } from "../../db/suggestion.repository.ts";
import type { MatchIndexWorker } from "./match-index.client.ts";
import { carriedPsaId } from "./suggestion-subject.ts";

interface ModuleEntry {
  fingerprint: string;
  /** The worker epoch it was built under (a new worker holds none of them). */
  epoch: number;
}

/**
 * The reverse look-up behind a grid cell's combobox: which module organizations of one module may
 * belong to a given organization. One small match index per module whose "organizations" are the
 * module's records (with the PSA id they carry); it finds candidates only, and the caller scores
 * them with the forward engine so both directions show the same score. Rebuilt when the module's
 * records change (a sync adds, renames or drops some). The indexes live in the worker thread.
 */
export class ModuleOrganizationFinder {
  private readonly modules = new Map<string, ModuleEntry>();

  constructor(
    private readonly ctx: AppContext,
    private readonly worker: MatchIndexWorker,
  ) {}

  /** Ids of the module's records whose name (or carried PSA id) resembles one of `names`. */
  async find(moduleKey: string, names: readonly string[], psaId: string | null, top = 30): Promise<string[]> {
    const index = await this.indexOf(moduleKey);
    const answers = await this.worker.suggest(
      index,
      names.map((name, i) => ({ query: { id: `query-${i}`, name, psaId: i === 0 ? psaId : null }, top })),
    );
    const found = new Set<string>();
    for (const candidates of answers) for (const c of candidates) found.add(c.organizationId);
    return [...found];
  }

  /** The worker's name of the module's index, built or rebuilt first when needed. */
  private async indexOf(moduleKey: string): Promise<string> {
    const name = `module:${moduleKey}`;
    const repo = new SuggestionRepository(this.ctx.db);
    const fingerprint = await repo.moduleOrganizationFingerprint(moduleKey);
    const known = this.modules.get(moduleKey);
    const epoch = this.worker.currentEpoch();
    if (known && known.fingerprint === fingerprint && known.epoch === epoch) return name;
    this.modules.delete(moduleKey);
    const rows = await repo.moduleOrganizationNames(moduleKey);
    await this.worker.build(name, {
      organizations: rows.map((r) => ({ id: r.id, name: r.name, psaId: carriedPsaId(r.attributes) })),
    });
    this.modules.set(moduleKey, { fingerprint, epoch });
    return name;
  }
}
