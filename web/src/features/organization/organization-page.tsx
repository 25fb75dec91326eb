import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { MenuButton } from "../common/menu-button.tsx";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { usePageTitle } from "../common/use-page-title.ts";
import { Link } from "../shell/router.tsx";
import { MappingsEditor } from "./mappings-editor.tsx";
import { MappingsSummary } from "./mappings-summary.tsx";

/** One PSA organization (rule 6): its facts, and "Tools" -> "Manage Integrated Customer Billing". */
const routeApi = getRouteApi("/organizations/$id");

export function OrganizationPage() {
  const { id } = routeApi.useParams();
  const api = useApi();
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const navigate = routeApi.useNavigate();
  const isEditing = routeApi.useSearch({ select: (search) => search.view === "mappings" });
  const organization = useQuery({
    queryKey: ["organization", id],
    queryFn: () => api.request("GET /organizations/:id", { params: { id } }),
  });
  usePageTitle(organization.data?.name ?? labels.psaOrganization);
  if (organization.isPending) return <Loading />;
  if (organization.isError)
    return (
      <div className="page">
        <ErrorBanner error={organization.error} onRetry={() => void organization.refetch()} />
      </div>
    );
  const org = organization.data;
  const mappable = org.isMappable;
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/mapping">Mapping</Link> <span aria-hidden="true">/</span>{" "}
        <span aria-current="page">{org.name}</span>
      </nav>
      <div className="page-head">
        <h1>{org.name}</h1>
        <span className="toolbar-spacer" />
        <MenuButton
          label="Tools"
          items={[
            {
              label: "Manage Integrated Customer Billing",
              onSelect: () => void navigate({ search: { view: "mappings" } }),
            },
            {
              label: `Show mapped ${labels.moduleOrganizations.toLowerCase()}`,
              onSelect: () =>
                void navigate({
                  to: "/mapping",
                  search: { tab: "module-organizations", organizationId: id },
                }),
            },
          ]}
        />
      </div>
      <dl className="facts">
        <dt>PSA id</dt>
        <dd className="mono">{org.psaId}</dd>
        <dt>Type</dt>
        <dd>
          {org.type}
          {!mappable && <span className="badge badge-warning">Not mappable</span>}
        </dd>
        <dt>Active</dt>
        <dd>{org.isActive ? "Yes" : "No"}</dd>
        {org.parentId && (
          <>
            <dt>Parent</dt>
            <dd>
              <Link to={`/organizations/${encodeURIComponent(org.parentId)}`}>Open parent</Link>
            </dd>
          </>
        )}
      </dl>
      {!mappable && (
        <div className="banner banner-warning" role="note">
          {org.type} {labels.plural.toLowerCase()} cannot receive new mappings. Existing mappings are kept and
          flagged as needing attention.
        </div>
      )}
      {isEditing ? (
        <MappingsEditor
          organization={org}
          canEdit={canEditMappings && mappable}
          onClose={() => void navigate({ search: {} })}
        />
      ) : (
        <MappingsSummary
          organizationId={org.id}
          organizationName={org.name}
          onEdit={
            canEditMappings && mappable ? () => void navigate({ search: { view: "mappings" } }) : undefined
          }
        />
      )}
    </div>
  );
}
