import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { ModuleMappingLine, Organization } from "../../api/api-types.ts";
import type { ModuleMappingsInput } from "../../api/request-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { useChangeToast } from "../common/use-undo.ts";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";
import { LeaveGuard } from "../shell/router.tsx";
import { type Draft, MappingLine } from "./mapping-line.tsx";

interface MappingsEditorProps {
  organization: Organization;
  canEdit: boolean;
  onClose(): void;
}

function draftsOf(lines: ModuleMappingLine[]): Record<string, Draft> {
  return Object.fromEntries(
    lines.map((line) => [
      line.moduleKey,
      {
        moduleOrganizationId: line.moduleOrganizationId,
        moduleOrganizationName: line.moduleOrganizationName,
        ignore: line.isIgnored,
        movesFrom: null,
      },
    ]),
  );
}

/** What Save changed, line by line, in words ("Datto RMM: ignored, Acme NY unmapped"). */
export function describeChanges(lines: ModuleMappingLine[], drafts: Record<string, Draft>): string[] {
  return lines.flatMap((line) => {
    const draft = drafts[line.moduleKey];
    if (!draft || !isChanged(line, draft)) return [];
    const parts: string[] = [];
    if (draft.ignore && !line.isIgnored) parts.push("ignored");
    if (!draft.ignore && line.isIgnored) parts.push("no longer ignored");
    if (draft.moduleOrganizationId !== line.moduleOrganizationId) {
      if (draft.moduleOrganizationName)
        parts.push(
          `${draft.moduleOrganizationName} mapped${draft.movesFrom ? ` (moved from ${draft.movesFrom})` : ""}`,
        );
      if (line.moduleOrganizationName) parts.push(`${line.moduleOrganizationName} unmapped`);
    }
    return [`${line.moduleName}: ${parts.join(", ")}`];
  });
}

function isChanged(line: ModuleMappingLine, draft: Draft | undefined): boolean {
  return (
    !!draft && (draft.moduleOrganizationId !== line.moduleOrganizationId || draft.ignore !== line.isIgnored)
  );
}

/** "Mappings - <name>" (rule 6): one line per ready module; Save applies all lines in one transaction. */
export function MappingsEditor({ organization, canEdit, onClose }: MappingsEditorProps) {
  const api = useApi();
  const labels = useTerm();
  const queryClient = useQueryClient();
  const toast = useToast();
  const changed = useChangeToast();
  const params = { id: organization.id };
  const mappings = useQuery({
    queryKey: ["organization-mappings", organization.id],
    queryFn: () => api.request("GET /organizations/:id/module-mappings", { params }),
  });
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [baseline, setBaseline] = useState<ModuleMappingLine[] | null>(null);
  const lines = baseline ?? mappings.data?.modules ?? [];
  const isDirty = lines.some((line) => isChanged(line, drafts[line.moduleKey]));

  useEffect(() => {
    // Take fresh server data as the baseline only while nothing is being edited.
    if (mappings.data && !isDirty) {
      setBaseline(mappings.data.modules);
      setDrafts(draftsOf(mappings.data.modules));
    }
  }, [mappings.data, isDirty]);

  const save = useMutation({
    mutationFn: () =>
      api.request("PUT /organizations/:id/module-mappings", {
        params,
        body: {
          modules: lines.map((line) => {
            const draft = drafts[line.moduleKey];
            return {
              moduleKey: line.moduleKey,
              moduleOrganizationId: draft?.moduleOrganizationId ?? null,
              ignore: draft?.ignore ?? false,
              version: line.version,
            };
          }),
        } satisfies ModuleMappingsInput,
      }),
    onSuccess: (data) => {
      const changes = describeChanges(lines, drafts);
      setBaseline(data.modules);
      setDrafts(draftsOf(data.modules));
      queryClient.setQueryData(["organization-mappings", organization.id], data);
      invalidateMappingData(queryClient);
      changed(`Saved the mappings of ${organization.name}: ${changes.join("; ")}`, data.stepId);
    },
    onError: (error) => toast.error(error, () => void reload()),
  });
  const reload = async () => {
    setBaseline(null);
    setDrafts({});
    const fresh = await mappings.refetch();
    if (fresh.data) {
      setBaseline(fresh.data.modules);
      setDrafts(draftsOf(fresh.data.modules));
    }
  };

  return (
    <section className="card mappings-editor" aria-labelledby="mappings-title">
      <LeaveGuard when={isDirty} message="You have unsaved mapping changes. Leave without saving them?" />
      <div className="card-head">
        <h2 id="mappings-title">{labels.mappingsTitle(organization.name)}</h2>
      </div>
      {mappings.isPending && <Loading />}
      {mappings.isError && <ErrorBanner error={mappings.error} onRetry={() => void mappings.refetch()} />}
      {save.isError && <ErrorBanner error={save.error} />}
      {mappings.data && lines.length === 0 && <p className="muted">No module is ready for mapping yet.</p>}
      {lines.length > 0 && (
        <table className="table mappings-table">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">{labels.moduleOrganization}</th>
              <th scope="col">Ignore</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <MappingLine
                key={line.moduleKey}
                organization={organization}
                line={line}
                draft={drafts[line.moduleKey]}
                isChanged={isChanged(line, drafts[line.moduleKey])}
                canEdit={canEdit}
                onChange={(draft) => setDrafts((all) => ({ ...all, [line.moduleKey]: draft }))}
              />
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        {canEdit && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={!isDirty || save.isPending}
            onClick={() => save.mutate()}
          >
            {save.isPending ? "Saving…" : "Save"}
          </button>
        )}
        {canEdit && isDirty && (
          <button type="button" className="btn" onClick={() => setDrafts(draftsOf(lines))}>
            Discard changes
          </button>
        )}
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        {isDirty && <span className="muted">Unsaved changes</span>}
      </div>
    </section>
  );
}
