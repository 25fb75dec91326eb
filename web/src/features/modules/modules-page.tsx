import { useState } from "react";
import { useSession } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { usePageTitle } from "../common/use-page-title.ts";
import { useModulesQuery } from "../mapping/mapping-queries.ts";
import { AddModuleForm } from "./add-module-form.tsx";
import { ModuleCard } from "./module-card.tsx";
import { PsaCard } from "./psa-card.tsx";

/** Modules admin (rule 1 and 8): the PSA first, then each module. */
export function ModulesPage() {
  usePageTitle("Modules");
  const modules = useModulesQuery();
  const { isAdmin } = useSession();
  const [isAdding, setIsAdding] = useState(false);
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
        <span className="toolbar-spacer" />
        {isAdmin && (
          <button
            type="button"
            className="btn"
            aria-expanded={isAdding}
            onClick={() => setIsAdding(!isAdding)}
          >
            {isAdding ? "Close" : "Add a module"}
          </button>
        )}
      </div>
      {isAdding && (
        <AddModuleForm
          onAdded={(key) => {
            setIsAdding(false);
            window.setTimeout(() => document.getElementById(`module-${key}`)?.scrollIntoView(), 300);
          }}
        />
      )}
      <PsaCard />
      {modules.isPending && <Loading />}
      {modules.isError && <ErrorBanner error={modules.error} onRetry={() => void modules.refetch()} />}
      {modules.data?.items.map((module) => (
        <ModuleCard key={module.key} module={module} />
      ))}
    </div>
  );
}
