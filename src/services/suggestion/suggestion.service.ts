import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { SuggestionRepository, type SuggestionSubjectRow } from "../../db/suggestion.repository.ts";
import type { Actor } from "../../domain/actor.ts";
import { decodeCursor, encodeCursor, type PageResult } from "../../domain/cursor.ts";
import { invalidValue, notFound } from "../../domain/errors.ts";
import type { Candidate } from "../../matching/engine.ts";
import { requireOrganization, requireReadyModule } from "../mapping-rules.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { MatchIndexWorker } from "./match-index.client.ts";
import { ModuleOrganizationFinder } from "./module-organization-finder.ts";
import { type AcceptInput, acceptSuggestions } from "./suggestion-accept.ts";
import { type SuggestionIndex, SuggestionIndexCache } from "./suggestion-index.cache.ts";
import { toMatchQuery } from "./suggestion-subject.ts";

export interface SuggestionCandidateView {
  organizationId: string;
  organizationName: string;
  score: number;
  accept: boolean;
  reasons: string[];
}

export interface SuggestionItem {
  moduleOrganizationId: string;
  moduleOrganizationName: string;
  moduleKey: string;
  candidates: SuggestionCandidateView[];
}

/** Rows read per batch while filling a page, and at most per page (pages skip rows with no candidate). */
const SCAN_BATCH = 500;
const SCAN_BUDGET = 5000;

/**
 * Suggestions for unmapped module organizations (product section 4): proposed, never applied
 * silently. Each instance keeps its own match index, caught up with the database before each answer.
 */
export class SuggestionService {
  readonly cache: SuggestionIndexCache;
  /** The thread that builds and asks the match indexes (match-index.worker.ts). */
  readonly worker = new MatchIndexWorker();
  private readonly finder: ModuleOrganizationFinder;

  constructor(private readonly ctx: AppContext) {
    this.cache = new SuggestionIndexCache(ctx, this.worker);
    this.finder = new ModuleOrganizationFinder(ctx, this.worker);
  }

  /**
   * Starts the index worker and builds the index in the background (at server start), so the first
   * answer does not wait for them; a failure is logged and the first answer tries again.
   */
  warmUp(): void {
    this.cache
      .current()
      .catch((error: unknown) => this.ctx.log.warn({ err: error }, "suggestion index warm-up failed"));
  }

  /** A page of unmapped, non-excluded module organizations of ready modules that have candidates. */
  async list(input: {
    moduleKey?: string | undefined;
    limit: number;
    cursor?: string | undefined;
    top?: number | undefined;
  }): Promise<PageResult<SuggestionItem>> {
    const moduleKeys = await this.moduleKeys(input.moduleKey);
    const cursor = decodeCursor(input.cursor, { id: "uuid" });
    if (cursor && !("k" in cursor)) throw invalidValue("cursor", "cursor is not one this server gave out");
    const index = await this.cache.current();
    const repo = new SuggestionRepository(this.ctx.db);
    const items: SuggestionItem[] = [];
    let after = cursor;
    let scanned = 0;
    while (items.length < input.limit && scanned < SCAN_BUDGET) {
      const rows = await repo.subjects({ moduleKeys, after, limit: SCAN_BATCH });
      const rejected = await repo.rejections(rows.map((r) => r.id));
      const answers = await this.itemsOf(index, rows, rejected, input.top ?? 3);
      let read = 0;
      for (const [i, row] of rows.entries()) {
        read++;
        scanned++;
        after = { k: row.tree_sort, id: row.id };
        const item = answers[i] as SuggestionItem;
        if (item.candidates.length > 0) items.push(item);
        if (items.length === input.limit) break;
      }
      if (rows.length < SCAN_BATCH && read === rows.length) return { items, nextCursor: null };
    }
    return { items, nextCursor: after && "k" in after ? encodeCursor(after) : null };
  }

  /** Suggestions for one module organization, mapped or not (404 when unknown). */
  async forModuleOrganization(id: string, top = 3): Promise<PageResult<SuggestionItem>> {
    const row = await repositories(this.ctx.db).moduleOrganizations.findById(id);
    if (!row) throw notFound("module organization", id, "moduleOrganizationId");
    const index = await this.cache.current();
    const repo = new SuggestionRepository(this.ctx.db);
    const [subject] = await repo.subjects({ moduleKeys: [row.module_key], ids: [id], includeDecided: true });
    if (!subject) throw notFound("module organization", id, "moduleOrganizationId");
    const rejected = await repo.rejections([id]);
    return { items: await this.itemsOf(index, [subject], rejected, top), nextCursor: null };
  }

  /**
   * The unmapped module organizations of one module most likely to belong to one organization, best
   * first (a grid cell's combobox). Each carries that organization's candidate only.
   */
  async forOrganization(
    organizationId: string,
    moduleKey: string,
    limit = 10,
  ): Promise<PageResult<SuggestionItem>> {
    const repos = repositories(this.ctx.db);
    await requireReadyModule(repos, moduleKey);
    const organization = await requireOrganization(repos, organizationId);
    const index = await this.cache.current();
    const names = await index.knownNames(organization.id, organization.name);
    const ids = await this.finder.find(moduleKey, names, organization.psa_id);
    const repo = new SuggestionRepository(this.ctx.db);
    const rows = await repo.subjects({ moduleKeys: [moduleKey], ids });
    const rejected = await repo.rejections(rows.map((r) => r.id));
    const items: Array<SuggestionItem & { score: number }> = [];
    for (const item of await this.itemsOf(index, rows, rejected, 10)) {
      const candidate = item.candidates.find((c) => c.organizationId === organizationId);
      if (candidate) items.push({ ...item, candidates: [candidate], score: candidate.score });
    }
    items.sort(
      (a, b) => b.score - a.score || a.moduleOrganizationName.localeCompare(b.moduleOrganizationName),
    );
    return { items: items.slice(0, limit).map(({ score: _score, ...item }) => item), nextCursor: null };
  }

  /**
   * Accepts chosen pairs, or every confident top candidate of a module at or above `minScore`, as
   * one audited step (undoable as one). Answers how many mappings changed and the step.
   */
  async accept(
    actor: Actor,
    input: AcceptInput,
  ): Promise<{ applied: number; stepId: string | null; wouldApply?: number }> {
    if ("items" in input) return acceptSuggestions(this.ctx, actor, input.items);
    const repos = repositories(this.ctx.db);
    await requireReadyModule(repos, input.moduleKey);
    const index = await this.cache.current();
    const repo = new SuggestionRepository(this.ctx.db);
    const rows = await repo.subjects({ moduleKeys: [input.moduleKey] });
    const rejected = await repo.rejections(rows.map((r) => r.id));
    const chosen: { moduleOrganizationId: string; organizationId: string }[] = [];
    const answers = await this.candidatesOf(index, rows, rejected, 1);
    for (const [i, row] of rows.entries()) {
      const [best] = answers[i] ?? [];
      if (best?.accept && best.score >= input.minScore)
        chosen.push({ moduleOrganizationId: row.id, organizationId: best.organizationId });
    }
    if (input.dryRun) return { applied: 0, stepId: null, wouldApply: chosen.length };
    return acceptSuggestions(this.ctx, actor, chosen, { skipMapped: true, title: "Accept all confident" });
  }

  /** Remembers that this organization is not the target of this module organization: never proposed again. */
  async reject(actor: Actor, moduleOrganizationId: string, organizationId: string): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ tx, repos, step }) => {
      const moduleOrganization = await repos.moduleOrganizations.findById(moduleOrganizationId);
      if (!moduleOrganization)
        throw notFound("module organization", moduleOrganizationId, "moduleOrganizationId");
      const organization = await requireOrganization(repos, organizationId);
      await new SuggestionRepository(tx).insertRejection({
        moduleOrganizationId,
        organizationId,
        createdBy: actor.label,
        at: step.at,
      });
      step.record({
        action: "suggestion.rejected",
        entityType: "suggestion_rejection",
        entityId: `${moduleOrganizationId}/${organizationId}`,
        summary: `${moduleOrganization.module_key} "${moduleOrganization.name}": ${organization.name} is not its target`,
        before: null,
        after: { rejected: true },
      });
    });
  }

  private async moduleKeys(moduleKey: string | undefined): Promise<string[]> {
    const repos = repositories(this.ctx.db);
    if (moduleKey === undefined) return repos.modules.readyKeys();
    await requireReadyModule(repos, moduleKey);
    return [moduleKey];
  }

  /** The engine's candidates of each row, without organizations the PSA no longer lists. */
  private candidatesOf(
    index: SuggestionIndex,
    rows: readonly SuggestionSubjectRow[],
    rejected: ReadonlyMap<string, Set<string>>,
    top: number,
  ): Promise<Candidate[][]> {
    return index.suggest(
      rows.map((row) => {
        const rejectedIds = rejected.get(row.id);
        return {
          query: toMatchQuery(row),
          top,
          isForUsers: true,
          ...(rejectedIds ? { rejected: [...rejectedIds] } : {}),
        };
      }),
    );
  }

  private async itemsOf(
    index: SuggestionIndex,
    rows: readonly SuggestionSubjectRow[],
    rejected: ReadonlyMap<string, Set<string>>,
    top: number,
  ): Promise<SuggestionItem[]> {
    const answers = await this.candidatesOf(index, rows, rejected, top);
    return rows.map((row, i) => ({
      moduleOrganizationId: row.id,
      moduleOrganizationName: row.name,
      moduleKey: row.module_key,
      candidates: (answers[i] ?? []).map((c) => ({
        organizationId: c.organizationId,
        organizationName: this.cache.organization(c.organizationId)?.name ?? c.organizationId,
        score: c.score,
        accept: c.accept,
        reasons: c.reasons,
      })),
    }));
  }
}
