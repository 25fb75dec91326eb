import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner } from "../common/status-views.tsx";
import { TargetCell } from "../mapping/module-organization-row-actions.tsx";
import { Link } from "../shell/router.tsx";

/**
 * Usage with no mapping: the module organization, and for editors the mapping picker of tab 2 (with
 * its suggestions) right here. The record (with its version) is read when the editor asks to map.
 */
export function UnmappedTarget(props: {
  moduleOrganization: { id: string; moduleKey: string; name: string };
}) {
  const { moduleOrganization } = props;
  const api = useApi();
  const labels = useTerm();
  const { canEditMappings } = useSession();
  const [wanted, setWanted] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const record = useQuery({
    queryKey: ["module-organization", moduleOrganization.id],
    queryFn: () => api.request("GET /module-organizations/:id", { params: { id: moduleOrganization.id } }),
    enabled: wanted,
  });
  useEffect(() => {
    if (record.data) box.current?.querySelector<HTMLButtonElement>("button[aria-haspopup]")?.focus();
  }, [record.data]);
  const tab2 = `/mapping?tab=module-organizations&moduleKey=${encodeURIComponent(moduleOrganization.moduleKey)}&search=${encodeURIComponent(moduleOrganization.name)}`;
  return (
    <div ref={box}>
      <div>
        <span className="muted">Unmapped:</span> <Link to={tab2}>{moduleOrganization.name}</Link>
      </div>
      {canEditMappings && !record.data && (
        <button
          type="button"
          className="btn btn-small"
          disabled={record.isFetching}
          aria-label={`Map ${moduleOrganization.name} to an ${labels.psaOrganization}`}
          onClick={() => setWanted(true)}
        >
          {record.isFetching ? "Loading…" : "Map…"}
        </button>
      )}
      {record.isError && <ErrorBanner error={record.error} onRetry={() => void record.refetch()} />}
      {record.data && <TargetCell row={record.data} canEdit={canEditMappings} />}
    </div>
  );
}
