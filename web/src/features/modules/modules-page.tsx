import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useModulesQuery } from "../mapping/mapping-queries.ts";
import { ModuleCard } from "./module-card.tsx";
import { PsaCard } from "./psa-card.tsx";

/** Modules admin (rule 1 and 8): the PSA first, then each module. */
export function ModulesPage() {
  const modules = useModulesQuery();
  const isSyncing = modules.data?.items.some((m) => m.lastSync?.outcome === "running");
  return (
    <div className="page">
      <div className="page-head">
        <h1>Modules</h1>
        {isSyncing && (
          <span className="muted" role="status">
            A sync is running…
          </span>
        )}
      </div>
      <PsaCard />
      {modules.isPending && <Loading />}
      {modules.isError && <ErrorBanner error={modules.error} onRetry={() => void modules.refetch()} />}
      {modules.data?.items.map((module) => (
        <ModuleCard key={module.key} module={module} />
      ))}
    </div>
  );
}
