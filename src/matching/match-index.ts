import { isMappableType, type OrganizationType } from "../domain/organization.ts";
import { GramIndex } from "./gram-index.ts";
import { leadingInitials } from "./initials.ts";
import { impliedEquivalences, LearnedWords, type WordPair } from "./learned-words.ts";
import { type NormalizedName, normalizeName } from "./normalize.ts";
import { TokenIndex } from "./token-index.ts";
import type { ConfirmedAlias, ConfirmedMapping, MatchIndexInput, MatchOrganization } from "./types.ts";

/** Where a known name of an organization comes from. */
export type NameSource = "name" | "alias" | "confirmed";

/** One known name of an organization: its own name, an alias, or a confirmed module organization's name. */
export interface NameDocument {
  slot: number;
  organizationId: string;
  source: NameSource;
  norm: NormalizedName;
  confirmed?: ConfirmedMapping;
  /**
   * The organization's record when it existed as the name was added (then the name is among its
   * `slots`, and removing the organization removes the name): what `organizations.get` would answer.
   */
  organization: IndexedOrganization | undefined;
}

/** An organization as the index keeps it. */
export interface IndexedOrganization {
  id: string;
  name: string;
  psaId: string | null;
  type: OrganizationType;
  isMappable: boolean;
  nameSlot: number;
  slots: Set<number>;
}

function pushTo(map: Map<string, number[]>, key: string, slot: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [slot]);
  else list.push(slot);
}

function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) return;
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/** Documents read from the word postings per query at most (candidate generation, `engine.ts`). */
export const CANDIDATE_POSTINGS = 6000;

/** Answers of a pure function of the index, kept while the index does not change, at most `limit` of them. */
export class IndexCache<T> {
  private readonly entries = new Map<string, T>();
  private version = -1;
  constructor(private readonly limit: number) {}

  get(key: string, version: number): T | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
      return undefined;
    }
    return this.entries.get(key);
  }

  set(key: string, version: number, value: T): void {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
  }
}

function confirmedKey(moduleKey: string, idOrName: string): string {
  return `${moduleKey}\u0000${idOrName}`;
}

/**
 * Everything the matcher knows, kept up to date in place: each change touches only the words of the
 * names it adds or removes, so a mapping change is reflected at once even with 50,000 organizations.
 */
export class MatchIndex {
  readonly words = new TokenIndex();
  /** Character trigrams of every name (words and site): candidates that share no whole word. */
  readonly grams = new GramIndex();
  readonly documents: Array<NameDocument | undefined> = [];
  readonly byKey = new Map<string, number[]>();
  readonly byCompact = new Map<string, number[]>();
  readonly byAcronym = new Map<string, number[]>();
  /** Names by the initials of their first 2 to 6 words (base and site words together). */
  readonly byInitials = new Map<string, number[]>();
  readonly organizations = new Map<string, IndexedOrganization>();
  readonly byPsaId = new Map<string, string[]>();
  /** Word equivalences users' confirmed names imply ("acad" / "academy"), for every other name. */
  readonly learned = new LearnedWords();
  private readonly learnedBySlot = new Map<number, WordPair[]>();
  /** Whether confirmed names teach word equivalences (on unless built with `learnWords: false`). */
  learnWords = true;
  private readonly confirmedSlots = new Map<string, number>();
  private readonly aliasSlots = new Map<string, number>();
  /** The documents a query's postings touched (at most one per posting read: `CANDIDATE_POSTINGS`). */
  readonly touched = new Int32Array(CANDIDATE_POSTINGS);
  /**
   * Two numbers per document, side by side so that one memory read brings both: at `2 * slot` scratch
   * space for candidate generation (one query at a time, zero between queries), at `2 * slot + 1` the
   * sum of the IDF weights of its words when it was added (a cheap denominator for ranking).
   */
  cells = new Float64Array(2048);
  /** Changes at every document added or removed: what was worked out from the index before is stale. */
  version = 0;
  /** Long posting lists ordered by document weight (see `engine.ts`), for this `version`. */
  readonly lightestFirstCache = new IndexCache<{ byWeight: Int32Array; position: Map<number, number> }>(1000);

  private addDocument(
    organizationId: string,
    source: NameSource,
    name: string,
    confirmed?: ConfirmedMapping,
  ): number {
    this.version++;
    const slot = this.documents.length;
    const norm = normalizeName(name);
    const organization = this.organizations.get(organizationId);
    const doc: NameDocument = { slot, organizationId, source, norm, organization };
    if (confirmed !== undefined) doc.confirmed = confirmed;
    this.documents.push(doc);
    if (2 * slot + 1 >= this.cells.length) {
      const grown = new Float64Array(this.cells.length * 2);
      grown.set(this.cells);
      this.cells = grown;
    }
    this.words.add(slot, norm.tokens);
    this.grams.add(slot, norm.wholeKey);
    let weight = 0;
    for (const token of norm.tokens) weight += this.words.weight(token);
    this.cells[2 * slot + 1] = weight;
    pushTo(this.byKey, norm.key, slot);
    pushTo(this.byCompact, norm.compact, slot);
    if (norm.acronym !== null && source !== "confirmed") pushTo(this.byAcronym, norm.acronym, slot);
    if (source !== "confirmed")
      for (const initials of leadingInitials([...norm.tokens, ...norm.siteTokens]))
        pushTo(this.byInitials, initials, slot);
    organization?.slots.add(slot);
    if (source !== "name" && organization !== undefined && this.learnWords) {
      const own = this.documents[organization.nameSlot];
      const pairs = own === undefined ? [] : impliedEquivalences(norm, own.norm);
      if (pairs.length > 0) {
        this.learned.add(pairs);
        this.learnedBySlot.set(slot, pairs);
      }
    }
    return slot;
  }

  private removeDocument(slot: number): void {
    const doc = this.documents[slot];
    if (doc === undefined) return;
    this.version++;
    this.documents[slot] = undefined;
    this.words.remove(slot, doc.norm.tokens);
    this.grams.remove(slot, doc.norm.wholeKey);
    removeFrom(this.byKey, doc.norm.key, slot);
    removeFrom(this.byCompact, doc.norm.compact, slot);
    if (doc.norm.acronym !== null) removeFrom(this.byAcronym, doc.norm.acronym, slot);
    if (doc.source !== "confirmed")
      for (const initials of leadingInitials([...doc.norm.tokens, ...doc.norm.siteTokens]))
        removeFrom(this.byInitials, initials, slot);
    this.organizations.get(doc.organizationId)?.slots.delete(slot);
    const learned = this.learnedBySlot.get(slot);
    if (learned !== undefined) {
      this.learned.remove(learned);
      this.learnedBySlot.delete(slot);
    }
  }

  /** Adds an organization or updates its name, PSA id or type. */
  upsertOrganization(organization: MatchOrganization): void {
    const type = organization.type ?? "Customer";
    const psaId = organization.psaId ?? null;
    const existing = this.organizations.get(organization.id);
    if (existing !== undefined) {
      if (existing.psaId !== psaId) {
        if (existing.psaId !== null) removeFrom(this.byPsaId, existing.psaId, existing.id);
        if (psaId !== null) this.byPsaId.set(psaId, [...(this.byPsaId.get(psaId) ?? []), existing.id]);
        existing.psaId = psaId;
      }
      existing.type = type;
      existing.isMappable = isMappableType(type);
      if (existing.name !== organization.name) {
        this.removeDocument(existing.nameSlot);
        existing.name = organization.name;
        existing.nameSlot = this.addDocument(existing.id, "name", organization.name);
      }
      return;
    }
    const record: IndexedOrganization = {
      id: organization.id,
      name: organization.name,
      psaId,
      type,
      isMappable: isMappableType(type),
      nameSlot: -1,
      slots: new Set(),
    };
    this.organizations.set(record.id, record);
    record.nameSlot = this.addDocument(record.id, "name", organization.name);
    if (psaId !== null) this.byPsaId.set(psaId, [...(this.byPsaId.get(psaId) ?? []), record.id]);
  }

  /** Removes an organization with its aliases and the confirmed mappings to it. */
  removeOrganization(organizationId: string): void {
    const record = this.organizations.get(organizationId);
    if (record === undefined) return;
    for (const slot of [...record.slots]) {
      const doc = this.documents[slot];
      if (doc?.confirmed !== undefined) {
        const { moduleKey, moduleOrganizationId, name } = doc.confirmed;
        this.confirmedSlots.delete(confirmedKey(moduleKey, moduleOrganizationId ?? name));
      } else if (doc?.source === "alias") {
        this.aliasSlots.delete(`${organizationId}\u0000${doc.norm.raw}`);
      }
      this.removeDocument(slot);
    }
    if (record.psaId !== null) removeFrom(this.byPsaId, record.psaId, record.id);
    this.organizations.delete(organizationId);
  }

  /** Records a confirmed mapping; one with the same module and module organization is replaced (a move). */
  addConfirmedMapping(mapping: ConfirmedMapping): void {
    const key = confirmedKey(mapping.moduleKey, mapping.moduleOrganizationId ?? mapping.name);
    const previous = this.confirmedSlots.get(key);
    if (previous !== undefined) this.removeDocument(previous);
    this.confirmedSlots.set(
      key,
      this.addDocument(mapping.organizationId, "confirmed", mapping.name, { ...mapping }),
    );
  }

  /** Forgets a confirmed mapping (the module organization was unmapped). */
  removeConfirmedMapping(moduleKey: string, moduleOrganizationIdOrName: string): void {
    const key = confirmedKey(moduleKey, moduleOrganizationIdOrName);
    const slot = this.confirmedSlots.get(key);
    if (slot === undefined) return;
    this.confirmedSlots.delete(key);
    this.removeDocument(slot);
  }

  /** Records a user-confirmed alias of an organization. */
  addAlias(alias: ConfirmedAlias): void {
    const key = `${alias.organizationId}\u0000${alias.name}`;
    if (this.aliasSlots.has(key)) return;
    this.aliasSlots.set(key, this.addDocument(alias.organizationId, "alias", alias.name));
  }

  removeAlias(alias: ConfirmedAlias): void {
    const key = `${alias.organizationId}\u0000${alias.name}`;
    const slot = this.aliasSlots.get(key);
    if (slot === undefined) return;
    this.aliasSlots.delete(key);
    this.removeDocument(slot);
  }
}

/**
 * Builds the index the matcher suggests from.
 *
 * @example
 * const index = buildMatchIndex({
 *   organizations: [{ id: "o1", psaId: "4711", name: "Acme Corporation", type: "Customer" }],
 *   confirmed: [{ moduleKey: "graphus", moduleName: "Graphus", name: "Acme NY", organizationId: "o1" }],
 *   aliases: [{ name: "ACME New York", organizationId: "o1" }],
 * });
 * const [best] = suggest(index, { id: "m9", name: "Acme NY", moduleKey: "itglue" }, { top: 3 });
 * // best: { organizationId: "o1", score: 0.99.., accept: true,
 * //         reasons: ["Graphus's 'Acme NY' is already mapped to Acme Corporation", ...] }
 * index.addConfirmedMapping({ moduleKey: "itglue", moduleOrganizationId: "m9", name: "Acme NY", organizationId: "o1" });
 */
export function buildMatchIndex(input: MatchIndexInput): MatchIndex {
  const index = new MatchIndex();
  if (input.learnWords === false) index.learnWords = false;
  for (const organization of input.organizations) index.upsertOrganization(organization);
  for (const mapping of input.confirmed ?? []) index.addConfirmedMapping(mapping);
  for (const alias of input.aliases ?? []) index.addAlias(alias);
  return index;
}
