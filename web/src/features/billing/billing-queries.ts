import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Answer } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { ComboboxOption } from "../common/combobox.tsx";
import type { OptionsResult } from "../common/picker.tsx";

export type ServiceMappingList = Answer<"GET /service-mappings">;
export type ModuleBillingTypes = ServiceMappingList["modules"][number];
export type BillingTypeRow = ModuleBillingTypes["billingTypes"][number];
export type PsaService = Answer<"GET /psa-services">["items"][number];
export type ReconciliationPage = Answer<"GET /reconciliation">;
export type ReconciliationRow = ReconciliationPage["items"][number];
export type ReconciliationSummary = Answer<"GET /reconciliation/summary">;
export type StateTotal = ReconciliationSummary["totals"][number];
export type RowDetail = Answer<"GET /reconciliation/rows/:key">;

export const SERVICE_MAPPINGS_KEY = ["service-mappings"] as const;
export const RECONCILIATION_KEY = ["reconciliation"] as const;

export function useServiceMappings() {
  const api = useApi();
  return useQuery({ queryKey: SERVICE_MAPPINGS_KEY, queryFn: () => api.request("GET /service-mappings") });
}

/** The PSA services of the last contracts read, as picker options (active ones; the search is the server's). */
export function usePsaServiceOptions(search: string, _args: null): OptionsResult<PsaService> {
  const api = useApi();
  const query = useQuery({
    queryKey: ["psa-services", search],
    queryFn: () => api.request("GET /psa-services", { query: { search } }),
  });
  const options: ComboboxOption<PsaService>[] = (query.data?.items ?? []).map((service) => ({
    id: service.psaId,
    value: service,
    label: service.name,
    hint: service.isActive ? `#${service.psaId}` : `#${service.psaId} · inactive`,
  }));
  return {
    options,
    isLoading: query.isPending,
    error: query.error,
    footer:
      query.data && query.data.readAt === null ? "The PSA's contracts have not been read yet." : undefined,
  };
}

/**
 * Reconciliation answers change with every mapping: whenever a write succeeds anywhere in the app
 * (a mapping from the unmapped usage list, a service mapping), the reconciliation queries refetch.
 */
export function useRefetchReconciliationAfterWrites() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type === "updated" && event.action.type === "success") {
          void queryClient.invalidateQueries({ queryKey: RECONCILIATION_KEY });
          void queryClient.invalidateQueries({ queryKey: ["dashboard"] });
        }
      }),
    [queryClient],
  );
}
