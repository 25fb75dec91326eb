import type {
  ModuleOrganization,
  Organization,
  Suggestion,
  SuggestionCandidate,
} from "../../api/api-types.ts";
import type { ComboboxOption } from "../common/combobox.tsx";
import type { OptionsResult } from "../common/picker.tsx";
import {
  useMappableOrganizationSearch,
  useModuleOrganizationSearch,
  useSuggestions,
} from "./mapping-queries.ts";

/** The chosen value of a module organization picker: a module organization, or null for "None". */
export type ModuleOrganizationChoice = ModuleOrganization | null;
/** A target as a picker knows it: a suggestion names only the organization. */
export type TargetChoice = Pick<Organization, "id" | "name">;

export const NONE_OPTION_ID = "__none__";

/** Lower case, accents and punctuation off, spaces squeezed: how picker names are compared. */
export function normalizeName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const padded = ` ${text} `;
  for (let i = 0; i < padded.length - 1; i++) {
    const gram = padded.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of the names' letter pairs, 0..1 (1: same normalized name). */
export function nameSimilarity(a: string, b: string): number {
  const x = normalizeName(a);
  const y = normalizeName(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const gx = bigrams(x);
  const gy = bigrams(y);
  let shared = 0;
  for (const [gram, count] of gx) shared += Math.min(count, gy.get(gram) ?? 0);
  let total = 0;
  for (const count of gx.values()) total += count;
  for (const count of gy.values()) total += count;
  return (2 * shared) / total;
}

/** One option to rank: its name, and whether a suggestion proposes it for the row. */
export interface RankEntry<T> {
  option: ComboboxOption<T>;
  name: string;
  isSuggested: boolean;
}

/**
 * The order of a picker (issue 13 point 2): with a search, exact name matches first, then names
 * starting with it; then suggestions; then the rest by similarity to the row's own name (ties keep
 * the server's order). Only an exact match or a suggestion is pre-selected, so Enter never maps a
 * guess: with neither, nothing is active until the person moves to an option.
 */
export function rankOptions<T>(
  entries: RankEntry<T>[],
  { search, rowName }: { search: string; rowName: string },
): ComboboxOption<T>[] {
  const needle = normalizeName(search);
  const tier = (entry: RankEntry<T>): number => {
    const name = normalizeName(entry.name);
    if (needle && name === needle) return 0;
    if (needle && name.startsWith(needle)) return 1;
    if (entry.isSuggested) return 2;
    return 3;
  };
  const ranked = entries.map((entry, index) => ({
    entry,
    index,
    tier: tier(entry),
    similarity: rowName ? nameSimilarity(entry.name, rowName) : 0,
  }));
  ranked.sort(
    (a, b) => a.tier - b.tier || (a.tier >= 1 ? b.similarity - a.similarity : 0) || a.index - b.index,
  );
  return ranked.map(({ entry, tier }) => ({
    ...entry.option,
    preselect: tier === 0 || entry.isSuggested,
  }));
}

function whereMapped(item: ModuleOrganization, organizationId: string | null): string {
  const parts: string[] = [];
  if (item.mapping) {
    parts.push(
      item.mapping.organizationId === organizationId
        ? "Mapped here"
        : `Mapped to ${item.mapping.organizationName}`,
    );
  } else parts.push(item.isExcluded ? "Excluded" : "Unmapped");
  if (item.status === "missing") parts.push("missing");
  return parts.join(" · ");
}

function suggestedHint(candidate: SuggestionCandidate, rest: string): string {
  const reason = candidate.reasons[0] ? ` (${candidate.reasons[0]})` : "";
  return `Suggested ${Math.round(candidate.score * 100)}%${reason} · ${rest}`;
}

function suggestedOnly(moduleKey: string, suggestion: Suggestion): ModuleOrganization {
  return {
    id: suggestion.moduleOrganizationId,
    name: suggestion.moduleOrganizationName,
    moduleKey,
    moduleName: "",
    externalId: "",
    parentId: null,
    depth: 0,
    status: "active",
    isExcluded: false,
    attributes: {},
    mapping: null,
    version: 0,
  };
}

/**
 * Options for choosing a module organization of `moduleKey` for `organizationId`: "None" first (when
 * asked), then suggestions for that organization, then the server's list (unmapped first), each
 * saying where it is mapped now.
 */
export interface ModuleOrganizationOptionsArgs {
  moduleKey: string;
  /** The organization being edited: suggestions for it come first, "Mapped here" marks its own. */
  organizationId: string | null;
  /** The row's own name: options are ordered by similarity to it after matches and suggestions. */
  organizationName: string;
  includeNone: boolean;
}

export function useModuleOrganizationOptions(
  search: string,
  { moduleKey, organizationId, organizationName, includeNone }: ModuleOrganizationOptionsArgs,
): OptionsResult<ModuleOrganizationChoice> {
  const list = useModuleOrganizationSearch(moduleKey, search);
  const suggestions = useSuggestions({ organizationId, moduleKey });
  const items = list.data?.items ?? [];
  const entries: RankEntry<ModuleOrganizationChoice>[] = [];

  const byId = new Map(items.map((item) => [item.id, item]));
  const suggested = new Set<string>();
  const needle = search.toLowerCase();
  for (const suggestion of suggestions.data ?? []) {
    const candidate = suggestion.candidates.find((c) => c.organizationId === organizationId);
    // Suggestions are for unmapped module organizations, so one absent from this page is still unmapped.
    const item = byId.get(suggestion.moduleOrganizationId) ?? suggestedOnly(moduleKey, suggestion);
    if (!candidate || item.mapping?.organizationId === organizationId) continue;
    if (needle && !suggestion.moduleOrganizationName.toLowerCase().includes(needle)) continue;
    suggested.add(item.id);
    entries.push({
      name: item.name,
      isSuggested: true,
      option: {
        id: item.id,
        label: item.name,
        hint: suggestedHint(candidate, whereMapped(item, organizationId)),
        tone: "suggested",
        value: item,
      },
    });
  }
  for (const item of items) {
    if (suggested.has(item.id)) continue;
    entries.push({
      name: item.name,
      isSuggested: false,
      option: {
        id: item.id,
        label: item.depth > 0 ? `↳ ${item.name}` : item.name,
        hint: whereMapped(item, organizationId),
        tone: item.mapping ? "muted" : "default",
        value: item,
      },
    });
  }
  const options = rankOptions(entries, { search, rowName: organizationName });
  if (includeNone)
    options.unshift({ id: NONE_OPTION_ID, label: "None", hint: "Unmap", tone: "none", value: null });
  return {
    options,
    isLoading: list.isFetching,
    error: list.error,
    footer: list.data?.nextCursor ? "More results: type to narrow" : undefined,
  };
}

/** Options for choosing a target organization: suggestions for the row first, then mappable ones only. */
export function useTargetOrganizationOptions(
  search: string,
  {
    includeNone,
    moduleOrganizationId,
    rowName = "",
  }: { includeNone: boolean; moduleOrganizationId?: string; rowName?: string },
): OptionsResult<TargetChoice | null> {
  const query = useMappableOrganizationSearch(search);
  const suggestions = useSuggestions({
    moduleOrganizationId: search ? null : (moduleOrganizationId ?? null),
  });
  const entries: RankEntry<TargetChoice | null>[] = [];
  const suggested = new Set<string>();
  for (const candidate of suggestions.data?.[0]?.candidates ?? []) {
    suggested.add(candidate.organizationId);
    entries.push({
      name: candidate.organizationName,
      isSuggested: true,
      option: {
        id: candidate.organizationId,
        label: candidate.organizationName,
        hint: suggestedHint(candidate, "").replace(/ · $/, ""),
        tone: "suggested",
        value: { id: candidate.organizationId, name: candidate.organizationName },
      },
    });
  }
  for (const org of query.items) {
    if (suggested.has(org.id)) continue;
    entries.push({
      name: org.name,
      isSuggested: false,
      option: {
        id: org.id,
        label: org.name,
        hint: `${org.type}${org.isActive ? "" : " · inactive"} · PSA ${org.psaId}`,
        value: org,
      },
    });
  }
  const options = rankOptions(entries, { search, rowName });
  if (includeNone)
    options.unshift({ id: NONE_OPTION_ID, label: "None", hint: "Unmap", tone: "none", value: null });
  return {
    options,
    isLoading: query.isFetching,
    error: query.error,
    footer: query.data?.nextCursor ? "More results: type to narrow" : undefined,
  };
}
