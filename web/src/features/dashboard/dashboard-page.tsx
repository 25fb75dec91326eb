import { ErrorBanner, Loading } from "../common/status-views.tsx";
import "./dashboard.css";
import { useDashboardQuery } from "./dashboard-queries.ts";
import { ModuleTable } from "./module-table.tsx";
import { ReconciliationCard } from "./reconciliation-card.tsx";

/** The first page after sign-in (issue 9 item 7): where money leaks, and what is left to map. */
export function DashboardPage() {
  const dashboard = useDashboardQuery();
  return (
    <div className="page page-wide">
      <div className="page-head">
        <h1>Dashboard</h1>
      </div>
      {dashboard.isPending && <Loading />}
      {dashboard.isError && <ErrorBanner error={dashboard.error} onRetry={() => void dashboard.refetch()} />}
      {dashboard.data && (
        <section className="card dashboard-section" aria-labelledby="dashboard-reconciliation">
          <h2 id="dashboard-reconciliation">Reconciliation: units and money a month</h2>
          <ReconciliationCard dashboard={dashboard.data} />
        </section>
      )}
      {dashboard.data && (
        <section className="card dashboard-section" aria-labelledby="dashboard-modules">
          <h2 id="dashboard-modules">Modules</h2>
          <ModuleTable dashboard={dashboard.data} />
        </section>
      )}
    </div>
  );
}
