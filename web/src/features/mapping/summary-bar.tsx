import { useState } from "react";
import { useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner } from "../common/status-views.tsx";
import { Link } from "../shell/router.tsx";
import { gridUrl, moduleOrganizationsUrl } from "./grid-url.ts";
import { useWorklistsQuery } from "./mapping-queries.ts";

const OPEN_KEY = "orgmap.summary.byModule";

function rememberedOpen(): boolean {
  try {
    return window.localStorage.getItem(OPEN_KEY) === "open";
  } catch {
    return false;
  }
}

/**
 * Yet to be mapped (rule 7), issue 13 point 9: one line of totals across modules, each a link into
 * the view that lists exactly what it counts; the counts per module fold out into a small table
 * (remembered), so eight modules do not take five lines.
 */
export function SummaryBar() {
  const labels = useTerm();
  const [allTypes, setAllTypes] = useState(false);
  const [isOpen, setOpen] = useState(rememberedOpen);
  const worklists = useWorklistsQuery(allTypes);
  const scope = allTypes ? ("all_mappable" as const) : ("active_customers" as const);
  const moduleOrgWords = (n: number) =>
    (n === 1 ? labels.moduleOrganization : labels.moduleOrganizations).toLowerCase();
  // "active customers" by default (only customers carry contracts); every mappable type when asked.
  const targetWords = (n: number) =>
    allTypes
      ? (n === 1 ? labels.term : labels.plural).toLowerCase()
      : n === 1
        ? "active customer"
        : "active customers";
  const toggle = () => {
    const next = !isOpen;
    setOpen(next);
    try {
      window.localStorage.setItem(OPEN_KEY, next ? "open" : "closed");
    } catch {
      // Private mode: not remembered.
    }
  };
  const data = worklists.data;
  const modules = data?.modules ?? [];
  return (
    <section className="summary-bar" aria-labelledby="summary-title" data-testid="summary-bar">
      <div className="summary-line">
        <h2 className="summary-title" id="summary-title">
          Yet to be mapped
        </h2>
        {worklists.isPending && <span className="muted">Loading…</span>}
        {worklists.isError && (
          <ErrorBanner error={worklists.error} onRetry={() => void worklists.refetch()} />
        )}
        {data && modules.length === 0 && <span className="muted">No module is ready for mapping yet.</span>}
        {data && modules.length > 0 && (
          <>
            <Link
              className="summary-total"
              to={moduleOrganizationsUrl({ status: "unmapped" })}
              data-testid="total-unmapped"
            >
              <strong>{data.totals.unmappedModuleOrganizations.toLocaleString()}</strong>{" "}
              {moduleOrgWords(data.totals.unmappedModuleOrganizations)} not mapped
            </Link>
            <span className="muted" aria-hidden="true">
              ·
            </span>
            <Link
              className="summary-total"
              to={gridUrl({ worklist: scope })}
              data-testid="total-without-mapping"
            >
              <strong>{data.totals.organizationsWithoutMapping.toLocaleString()}</strong>{" "}
              {targetWords(data.totals.organizationsWithoutMapping)} with a module left to map
            </Link>
            <button
              type="button"
              className="btn btn-small summary-expand"
              aria-expanded={isOpen}
              aria-controls="summary-modules"
              onClick={toggle}
            >
              {isOpen ? "Hide" : "Show"} the {modules.length} {modules.length === 1 ? "module" : "modules"}
            </button>
          </>
        )}
        {/* Short on screen (the counts beside it already say "active customers"), whole for a screen reader. */}
        <label
          className="checkbox summary-toggle"
          title={`Count every ${labels.term.toLowerCase()} type, not only active customers`}
        >
          <input type="checkbox" checked={allTypes} onChange={(event) => setAllTypes(event.target.checked)} />
          All {labels.term.toLowerCase()} types
          <span className="sr-only">: count every type, not only active customers</span>
        </label>
      </div>
      {data && modules.length > 0 && isOpen && (
        <table className="summary-modules" id="summary-modules">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col" className="num">
                {labels.moduleOrganizations} not mapped
              </th>
              <th scope="col" className="num">
                {allTypes ? labels.plural : "Active customers"} left to map
              </th>
              <th scope="col">
                <span className="sr-only">Suggestions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {modules.map((module) => (
              <tr key={module.moduleKey} data-module-key={module.moduleKey}>
                <th scope="row">{module.name}</th>
                <td className="num">
                  <Link
                    to={moduleOrganizationsUrl({ moduleKey: module.moduleKey, status: "unmapped" })}
                    aria-label={`${module.unmappedModuleOrganizations.toLocaleString()} ${moduleOrgWords(module.unmappedModuleOrganizations)} of ${module.name} not mapped`}
                    data-testid="unmapped-count"
                  >
                    {module.unmappedModuleOrganizations.toLocaleString()}
                  </Link>
                </td>
                <td className="num">
                  <Link
                    to={gridUrl({ worklist: scope, worklistModule: module.moduleKey })}
                    aria-label={`${module.organizationsWithoutMapping.toLocaleString()} ${targetWords(module.organizationsWithoutMapping)} with nothing mapped or ignored in ${module.name}`}
                    data-testid="without-mapping-count"
                  >
                    {module.organizationsWithoutMapping.toLocaleString()}
                  </Link>
                </td>
                <td>
                  {module.unmappedModuleOrganizations > 0 && (
                    <Link
                      className="summary-review"
                      to={`/mapping/suggestions?moduleKey=${encodeURIComponent(module.moduleKey)}`}
                      aria-label={`Review suggestions for ${module.name}`}
                    >
                      Review suggestions
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
