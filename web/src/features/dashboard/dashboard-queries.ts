import { useQuery } from "@tanstack/react-query";
import type { Answer } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";

export type Dashboard = Answer<"GET /dashboard">;
export type DashboardModule = Dashboard["modules"][number];
export type LastSync = NonNullable<DashboardModule["lastSync"]>;

export function useDashboardQuery() {
  const api = useApi();
  return useQuery({ queryKey: ["dashboard"], queryFn: () => api.request("GET /dashboard") });
}
