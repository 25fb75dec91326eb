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
  includeNone: boolean;
}

export function useModuleOrganizationOptions(
  search: string,
  { moduleKey, organizationId, includeNone }: ModuleOrganizationOptionsArgs,
): OptionsResult<ModuleOrganizationChoice> {
  const list = useModuleOrganizationSearch(moduleKey, search);
  const suggestions = useSuggestions({ organizationId, moduleKey });
  const items = list.data?.items ?? [];
  const options: ComboboxOption<ModuleOrganizationChoice>[] = [];
  if (includeNone)
    options.push({ id: NONE_OPTION_ID, label: "None", hint: "Unmap", tone: "none", value: null });

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
    options.push({
      id: item.id,
      label: item.name,
      hint: suggestedHint(candidate, whereMapped(item, organizationId)),
      tone: "suggested",
      value: item,
    });
  }
  for (const item of items) {
    if (suggested.has(item.id)) continue;
    options.push({
      id: item.id,
      label: item.depth > 0 ? `↳ ${item.name}` : item.name,
      hint: whereMapped(item, organizationId),
      tone: item.mapping ? "muted" : "default",
      value: item,
    });
  }
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
  { includeNone, moduleOrganizationId }: { includeNone: boolean; moduleOrganizationId?: string },
): OptionsResult<TargetChoice | null> {
  const query = useMappableOrganizationSearch(search);
  const suggestions = useSuggestions({
    moduleOrganizationId: search ? null : (moduleOrganizationId ?? null),
  });
  const options: ComboboxOption<TargetChoice | null>[] = includeNone
    ? [{ id: NONE_OPTION_ID, label: "None", hint: "Unmap", tone: "none", value: null }]
    : [];
  const suggested = new Set<string>();
  for (const candidate of suggestions.data?.[0]?.candidates ?? []) {
    suggested.add(candidate.organizationId);
    options.push({
      id: candidate.organizationId,
      label: candidate.organizationName,
      hint: suggestedHint(candidate, "").replace(/ · $/, ""),
      tone: "suggested",
      value: { id: candidate.organizationId, name: candidate.organizationName },
    });
  }
  for (const org of query.items) {
    if (suggested.has(org.id)) continue;
    options.push({
      id: org.id,
      label: org.name,
      hint: `${org.type}${org.isActive ? "" : " · inactive"} · PSA ${org.psaId}`,
      value: org,
    });
  }
  return {
    options,
    isLoading: query.isFetching,
    error: query.error,
    footer: query.data?.nextCursor ? "More results: type to narrow" : undefined,
  };
}
