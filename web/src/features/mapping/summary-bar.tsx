import { useState } from "react";
import { useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner } from "../common/status-views.tsx";
import { Link } from "../shell/router.tsx";
import { useWorklistsQuery } from "./mapping-queries.ts";

/** Yet-to-be-mapped counts per module (rule 7): unmapped module organizations and unmapped pairs. */
export function SummaryBar() {
  const labels = useTerm();
  const [allTypes, setAllTypes] = useState(false);
  const worklists = useWorklistsQuery(allTypes);
  const plural = labels.plural.toLowerCase();
  return (
    <section className="summary-bar" aria-label="Yet to be mapped" data-testid="summary-bar">
      <span className="summary-title">Yet to be mapped</span>
      {worklists.isPending && <span className="muted">Loading…</span>}
      {worklists.isError && <ErrorBanner error={worklists.error} onRetry={() => void worklists.refetch()} />}
      {worklists.data?.modules.map((module) => (
        <div className="summary-item" key={module.moduleKey} data-module-key={module.moduleKey}>
          <span className="summary-name">{module.name}</span>
          <Link
            className="summary-count"
            to={`/mapping?tab=module-organizations&moduleKey=${encodeURIComponent(module.moduleKey)}&status=unmapped`}
            title={`${labels.moduleOrganizations} that are neither mapped nor excluded`}
            data-testid="unmapped-count"
          >
            {module.unmappedModuleOrganizations.toLocaleString()} unmapped
          </Link>
          <span
            className="summary-count-secondary"
            title={`${labels.plural} with neither a mapping nor an ignore for ${module.name}`}
            data-testid="without-mapping-count"
          >
            {module.organizationsWithoutMapping.toLocaleString()} {plural} without
          </span>
          {module.unmappedModuleOrganizations > 0 && (
            <Link
              className="summary-review"
              to={`/mapping/suggestions?moduleKey=${encodeURIComponent(module.moduleKey)}`}
              aria-label={`Review suggestions for ${module.name}`}
            >
              Review
            </Link>
          )}
        </div>
      ))}
      <label className="checkbox summary-toggle">
        <input type="checkbox" checked={allTypes} onChange={(event) => setAllTypes(event.target.checked)} />
        All {labels.term.toLowerCase()} types
      </label>
    </section>
  );
}
