import { type QueryClient, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type ApiClient, ApiError, type QueryValue } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type {
  GridPage,
  ModuleInfo,
  ModuleOrganization,
  Organization,
  Page,
  Suggestion,
  WorklistModule,
} from "../../api/api-types.ts";
import { isMappableType } from "../common/format.ts";

export const PAGE_SIZE = 100;

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
  ]) {
    void queryClient.invalidateQueries({ queryKey: [key] });
  }
}

export interface GridFilters {
  search: string;
  unmappedOnly: boolean;
  hideMapped: boolean;
}

/** Tab 1 loads its rows in blocks of this many rows, each block by its offset. */
export const GRID_BLOCK_SIZE = 100;

/** The query key of one block of tab 1 rows; every key starts with ["mapping-grid", filters]. */
export function gridBlockKey(filters: GridFilters, block: number) {
  return ["mapping-grid", filters, "block", block] as const;
}

/** Unobserved blocks leave the cache after this long (and sooner when too many are cached). */
export const GRID_BLOCK_GC_MS = 30_000;

/**
 * Query options for one block of tab 1 rows (rows `block * 100` to `block * 100 + 99`), fetched by
 * offset so that a virtualized grid can show any part of the list without loading what comes before.
 * Block 0 also carries the total and the columns; the other blocks skip the server's count query.
 */
export function gridBlockOptions(api: ApiClient, filters: GridFilters, block: number) {
  return {
    queryKey: gridBlockKey(filters, block),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.request<GridPage>("/mapping-grid", {
        query: {
          ...filters,
          limit: GRID_BLOCK_SIZE,
          offset: block * GRID_BLOCK_SIZE,
          withTotal: block === 0 ? undefined : "false",
        },
        signal,
      }),
    gcTime: GRID_BLOCK_GC_MS,
  };
}

/**
 * Tab 1's first block: the total row count (the virtualizer's size), the columns and the first 100
 * rows. While other filters load, the previous answer stays on screen.
 */
export function useGridHeadQuery(filters: GridFilters) {
  const api = useApi();
  return useQuery({
    ...gridBlockOptions(api, filters, 0),
    placeholderData: (previous) => previous,
  });
}

export interface ModuleOrganizationFilters {
  moduleKey: string;
  status: string;
  search: string;
  needsAttention: boolean;
  organizationId: string;
}

/** Tab 2 rows, a page at a time; sub-organizations come right after their parent (server order). */
export function useModuleOrganizationsQuery(filters: ModuleOrganizationFilters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["module-organizations", filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.request<Page<ModuleOrganization>>("/module-organizations", {
        query: { ...(filters as unknown as Record<string, QueryValue>), limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
}

export function useModulesQuery() {
  const api = useApi();
  return useQuery({
    queryKey: ["modules"],
    queryFn: () => api.request<{ items: ModuleInfo[] }>("/modules"),
    // While a sync runs, follow it until it ends.
    refetchInterval: (query) =>
      query.state.data?.items.some((m) => m.lastSync?.outcome === "running") ? 2000 : false,
  });
}

export function useWorklistsQuery(allTypes: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["worklists", allTypes],
    queryFn: () => api.request<{ modules: WorklistModule[] }>("/worklists", { query: { allTypes } }),
  });
}

/** Module organizations of one module for a picker: unmapped first, as the server orders them. */
export function useModuleOrganizationSearch(moduleKey: string, search: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["module-org-options", moduleKey, search],
    queryFn: ({ signal }) =>
      api.request<Page<ModuleOrganization>>("/module-organizations", {
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
        const page = await api.request<{ items: Suggestion[] }>("/suggestions", {
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

/** Mappable organizations matching a search; Dead and Cancelation are filtered out again here as a guard. */
export function useMappableOrganizationSearch(search: string) {
  const api = useApi();
  const query = useQuery({
    queryKey: ["org-options", search],
    queryFn: ({ signal }) =>
      api.request<Page<Organization>>("/organizations", {
        query: { isMappable: true, search, limit: 50 },
        signal,
      }),
    placeholderData: (previous) => previous,
  });
  const items = (query.data?.items ?? []).filter(
    (org) => org.isMappable !== false && isMappableType(org.type),
  );
  return { ...query, items };
}
