import { type QueryClient, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ApiError, type QueryValue } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { OffsetBlockSource, OffsetPage } from "../common/use-offset-blocks.ts";

/** Every query whose answer a mapping change can alter; invalidated after each write. */
export function invalidateMappingData(queryClient: QueryClient) {
  for (const key of [
    "mapping-grid",
    "module-organizations",
    "worklists",
    "modules",
    "module-org-options",
    "organization-mappings",
    "suggestions",
    "audit-events",
    "audit-steps",
  ]) {
    void queryClient.invalidateQueries({ queryKey: [key] });
  }
}

export interface GridFilters {
  search: string;
  unmappedOnly: boolean;
  hideMapped: boolean;
}

/** Both mapping lists load their rows in blocks of this many rows, each block by its offset. */
export const BLOCK_SIZE = 100;

/** A list endpoint paged by offset (tree order), answering `total` when asked; `key` names its queries. */
function offsetSource<TPage extends OffsetPage<unknown>>(
  key: string,
  filters: object,
  fetchPage: (query: Record<string, QueryValue>, signal: AbortSignal) => Promise<TPage>,
): OffsetBlockSource<TPage> {
  return {
    key: [key, filters],
    blockSize: BLOCK_SIZE,
    // withTotal is sent as text either way: the client drops false values, and the grid's default is true.
    fetch: ({ signal, offset, limit, withTotal }) =>
      fetchPage(
        { ...(filters as Record<string, QueryValue>), offset, limit, withTotal: String(withTotal) },
        signal,
      ),
  };
}

/** Tab 1 rows (keys start with ["mapping-grid", filters]); the first block also carries the columns. */
export function useGridSource(filters: GridFilters) {
  const api = useApi();
  return useMemo(
    () =>
      offsetSource("mapping-grid", filters, (query, signal) =>
        api.request("GET /mapping-grid", { query, signal }),
      ),
    [api, filters],
  );
}

export interface ModuleOrganizationFilters {
  moduleKey: string;
  status: string;
  search: string;
  needsAttention: boolean;
  organizationId: string;
}

/**
 * Tab 2 rows (keys start with ["module-organizations", filters]); sub-organizations come right after
 * their parent (server tree order).
 */
export function useModuleOrganizationSource(filters: ModuleOrganizationFilters) {
  const api = useApi();
  return useMemo(
    () =>
      offsetSource("module-organizations", filters, (query, signal) =>
        api.request("GET /module-organizations", { query, signal }),
      ),
    [api, filters],
  );
}

export function useModulesQuery() {
  const api = useApi();
  return useQuery({
    queryKey: ["modules"],
    queryFn: () => api.request("GET /modules"),
    // While a sync runs, follow it until it ends.
    refetchInterval: (query) =>
      query.state.data?.items.some((m) => m.lastSync?.outcome === "running") ? 2000 : false,
  });
}

export function useWorklistsQuery(allTypes: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["worklists", allTypes],
    queryFn: () => api.request("GET /worklists", { query: { allTypes } }),
  });
}

/** Module organizations of one module for a picker: unmapped first, as the server orders them. */
export function useModuleOrganizationSearch(moduleKey: string, search: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["module-org-options", moduleKey, search],
    queryFn: ({ signal }) =>
      api.request("GET /module-organizations", {
        query: { moduleKey, search, orderBy: "unmappedFirst", limit: 50 },
        signal,
      }),
    placeholderData: (previous) => previous,
  });
}

/**
 * Suggestions from GET /suggestions (`organizationId` + `moduleKey` for a tab 1 cell, or
 * `moduleOrganizationId` for one row). Any failure, such as an instance without the suggestions
 * API (404), means "no suggestions": the pickers work without them.
 */
export function useSuggestions(query: Record<string, string | null>) {
  const api = useApi();
  const isEnabled = Object.values(query).every((value) => value);
  return useQuery({
    queryKey: ["suggestions", query],
    enabled: isEnabled,
    queryFn: async () => {
      try {
        const page = await api.request("GET /suggestions", {
          query: { ...query, limit: 10 },
        });
        return page.items;
      } catch (error) {
        if (error instanceof ApiError && error.status !== 401) return [];
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Mappable organizations matching a search; filtered again by the server's own isMappable as a guard (rule 2). */
export function useMappableOrganizationSearch(search: string) {
  const api = useApi();
  const query = useQuery({
    queryKey: ["org-options", search],
    queryFn: ({ signal }) =>
      api.request("GET /organizations", {
        query: { isMappable: true, search, limit: 50 },
        signal,
      }),
    placeholderData: (previous) => previous,
  });
  const items = (query.data?.items ?? []).filter((org) => org.isMappable);
  return { ...query, items };
}
