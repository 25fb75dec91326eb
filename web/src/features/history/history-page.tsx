import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { actorName, HISTORY_KINDS } from "../../../../src/domain/history-words.ts";
import { useApi } from "../../api/api-context.tsx";
import type { AuditStep } from "../../api/api-types.ts";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { formatDateTime } from "../common/format.ts";
import { ariaSortOf, SortButton } from "../common/sort-header.tsx";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { usePageTitle } from "../common/use-page-title.ts";
import { useUndoStep } from "../common/use-undo.ts";
import type { HistorySearch } from "./history-search.ts";
import { StepDetails } from "./step-details.tsx";

const routeApi = getRouteApi("/history");

/** "585 mappings — Accept all confident", or the one change in words. */
export function stepHeadline(step: Pick<AuditStep, "title" | "count" | "countLabel" | "summary">): string {
  if (step.title) return `${step.countLabel} — ${step.title}`;
  return step.count === 1 && step.summary ? step.summary : step.countLabel;
}

/**
 * Every recorded change (rule 9) by step, newest first: who, what in words, how many changes.
 * Undo asks with the count and is offered only where it can succeed; an undone step offers Redo.
 * Filters (who, kind of change) live in the URL.
 */
export function HistoryPage() {
  usePageTitle("History");
  const api = useApi();
  const { canEditMappings } = useSession();
  const timeZone = useSettings().data?.timeZone;
  const params = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const actor = params.who ?? "";
  const entityType = params.kind ?? "";
  const sort = params.sort ?? "-at";
  // Each choice is a step of the browser's history: Back returns to the previous filters.
  const setFilter = (patch: Partial<HistorySearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }) });
  const steps = useInfiniteQuery({
    queryKey: ["audit-steps", actor, entityType, sort],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api.request("GET /audit-steps", {
        query: {
          limit: 50,
          cursor: pageParam,
          actor: actor || undefined,
          entityType: entityType || undefined,
          sort,
        },
      }),
    getNextPageParam: (last) => last.nextCursor,
  });
  const undo = useUndoStep();
  const [asking, setAsking] = useState<{ step: AuditStep; redo: boolean } | null>(null);
  const rows = steps.data?.pages.flatMap((page) => page.items) ?? [];
  const actors = steps.data?.pages[0]?.actors ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>History</h1>
      </div>
      <search className="toolbar" aria-label="Filter the history">
        <label className="field-inline">
          Who
          <select
            className="input"
            value={actor}
            onChange={(e) => setFilter({ who: e.target.value || undefined })}
          >
            <option value="">Anyone</option>
            {[...new Set([actor, ...actors].filter(Boolean))].map((label) => (
              <option key={label} value={label}>
                {actorName(label)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          What
          <select
            className="input"
            value={entityType}
            onChange={(e) => setFilter({ kind: e.target.value || undefined })}
          >
            <option value="">Every kind of change</option>
            {HISTORY_KINDS.map((kind) => (
              <option key={kind.entityType} value={kind.entityType}>
                {kind.label}
              </option>
            ))}
          </select>
        </label>
      </search>
      {steps.isPending && <Loading />}
      {steps.isError && <ErrorBanner error={steps.error} onRetry={() => void steps.refetch()} />}
      {steps.data && rows.length === 0 && (
        <EmptyState>
          {actor || entityType ? "No change matches these filters." : "Nothing has changed yet."}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <table className="table history-table">
          <thead>
            <tr>
              <th scope="col" aria-sort={ariaSortOf(sort, "at")}>
                <SortButton
                  label="When"
                  column="at"
                  sort={sort}
                  onSort={(next) => setFilter({ sort: next === "-at" ? undefined : next })}
                />
              </th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">
                <span className="sr-only">Undo or redo</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((step) => (
              <tr key={step.stepId} data-step-id={step.stepId}>
                <td className="nowrap">{formatDateTime(step.at, timeZone)}</td>
                <td>{actorName(step.actor)}</td>
                <td>
                  <StepDetails step={step} headline={stepHeadline(step)} timeZone={timeZone} />
                  {step.undoneByStep && <span className="badge badge-muted">undone</span>}
                </td>
                <td className="nowrap">
                  {canEditMappings && step.canUndo && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={undo.isPending}
                      onClick={() => setAsking({ step, redo: false })}
                    >
                      Undo
                    </button>
                  )}
                  {canEditMappings && step.canRedo && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={undo.isPending}
                      onClick={() => setAsking({ step, redo: true })}
                    >
                      Redo
                    </button>
                  )}
                  {!step.canUndo && !step.canRedo && step.whyNoUndo && !step.undoneByStep && (
                    <span className="muted small">Not undoable here</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {steps.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={steps.isFetchingNextPage}
          onClick={() => void steps.fetchNextPage()}
        >
          {steps.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
      {asking && (
        <ConfirmDialog
          title={`${asking.redo ? "Redo" : "Undo"} ${asking.step.countLabel}?`}
          confirmLabel={`${asking.redo ? "Redo" : "Undo"} ${asking.step.countLabel}`}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const { step, redo } = asking;
            setAsking(null);
            const stepId = redo ? step.undoneByStep : step.stepId;
            if (stepId) undo.mutate({ stepId, what: stepHeadline(step), redo });
          }}
        >
          <p>
            <strong>{stepHeadline(asking.step)}</strong>, by {actorName(asking.step.actor)} on{" "}
            {formatDateTime(asking.step.at, timeZone)}.
          </p>
          <p>
            {asking.redo
              ? `All ${asking.step.countLabel} are made again, as one step.`
              : `All ${asking.step.countLabel} are taken back, as one step.`}{" "}
            If any of them was changed since, nothing is changed and you are told which.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
