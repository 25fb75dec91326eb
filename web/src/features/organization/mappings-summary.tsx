import { useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";

/**
 * The organization's mappings, read at a glance on its page (issue 13 point 12): one line per ready
 * module. Changing them stays in "Manage Integrated Customer Billing" (the seed's path, rule 6).
 */
export function MappingsSummary(props: {
  organizationId: string;
  organizationName: string;
  onEdit?: (() => void) | undefined;
}) {
  const api = useApi();
  const labels = useTerm();
  const mappings = useQuery({
    queryKey: ["organization-mappings", props.organizationId],
    queryFn: () =>
      api.request("GET /organizations/:id/module-mappings", { params: { id: props.organizationId } }),
  });
  return (
    <section className="card" aria-labelledby="mappings-summary-title">
      <div className="card-head">
        <h2 id="mappings-summary-title">{labels.mappingsTitle(props.organizationName)}</h2>
        <span className="toolbar-spacer" />
        {props.onEdit && (
          <button type="button" className="btn" onClick={props.onEdit}>
            Change mappings
          </button>
        )}
      </div>
      {mappings.isPending && <Loading />}
      {mappings.isError && <ErrorBanner error={mappings.error} onRetry={() => void mappings.refetch()} />}
      {mappings.data && mappings.data.modules.length === 0 && (
        <p className="muted">No module is ready for mapping yet.</p>
      )}
      {mappings.data && mappings.data.modules.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">{labels.moduleOrganization}</th>
            </tr>
          </thead>
          <tbody>
            {mappings.data.modules.map((line) => {
              const names = [
                line.moduleOrganizationName,
                ...line.extraModuleOrganizations.map((e) => e.name),
              ].filter((name): name is string => !!name);
              return (
                <tr key={line.moduleKey} data-module-key={line.moduleKey}>
                  <th scope="row">{line.moduleName}</th>
                  <td>
                    {names.length > 0 ? (
                      names.join(", ")
                    ) : line.isIgnored ? (
                      <span className="muted">Ignored</span>
                    ) : (
                      <span className="muted">Not mapped</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
