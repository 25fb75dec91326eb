import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useTerm } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { usePageTitle } from "../common/use-page-title.ts";
import { useModulesQuery } from "../mapping/mapping-queries.ts";
import { Link } from "../shell/router.tsx";
import { STRENGTH_WORDS, type Strength, SuggestionItem, strengthOf } from "./suggestion-item.tsx";
import {
  countConfident,
  isConfident,
  useAcceptSuggestions,
  useRejectSuggestion,
  useReviewQuery,
} from "./suggestion-queries.ts";

const routeApi = getRouteApi("/mapping/suggestions");

/**
 * "Review suggestions" for one module (product §4): each unmapped module organization with its
 * candidates; accept one, reject one (never proposed again), or accept every confident one in one
 * audited step after a confirmation that says how many.
 */
export function SuggestionsPage() {
  usePageTitle("Suggestions");
  const api = useApi();
  const labels = useTerm();
  const toast = useToast();
  const { canEditMappings } = useSession();
  const navigate = routeApi.useNavigate();
  const params = routeApi.useSearch();
  const modules = useModulesQuery();
  const ready = (modules.data?.items ?? []).filter((m) => m.state === "ready");
  const moduleKey = params.moduleKey ?? ready[0]?.key ?? "";
  const module = ready.find((m) => m.key === moduleKey);
  const review = useReviewQuery(moduleKey);
  const accept = useAcceptSuggestions(moduleKey);
  const reject = useRejectSuggestion(moduleKey);
  const [counting, setCounting] = useState(false);
  const [confirmCount, setConfirmCount] = useState<number | null>(null);
  const pages = review.data?.pages ?? [];
  const items = pages.flatMap((page) => page.items);
  const listedConfident = items.filter(isConfident).length;
  const plural = labels.moduleOrganizations.toLowerCase();
  const listedByStrength = (strength: Strength) =>
    items.filter((item) => item.candidates[0] && strengthOf(item.candidates[0]) === strength).length;

  const askAcceptAll = async () => {
    setCounting(true);
    try {
      setConfirmCount(await countConfident(api, moduleKey));
    } catch (error) {
      toast.error(error);
    } finally {
      setCounting(false);
    }
  };

  return (
    <div className="page">
      <div className="breadcrumbs">
        <Link to="/mapping">{labels.moduleOrganization} Mapping</Link> › Review suggestions
      </div>
      <div className="page-head">
        <h1>Review suggestions{module ? ` — ${module.name}` : ""}</h1>
        <select
          className="input"
          aria-label="Module"
          value={moduleKey}
          onChange={(event) => void navigate({ search: { moduleKey: event.target.value }, replace: true })}
        >
          {ready.map((m) => (
            <option key={m.key} value={m.key}>
              {m.name}
            </option>
          ))}
        </select>
        <span className="toolbar-spacer" />
        {canEditMappings && items.length > 0 && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={counting || accept.isPending || (listedConfident === 0 && !review.hasNextPage)}
            onClick={() => void askAcceptAll()}
          >
            {counting ? "Counting…" : "Accept all confident"}
          </button>
        )}
      </div>
      <p className="muted">
        Unmapped {plural} of this module with the {labels.plural.toLowerCase()} they most likely belong to,
        best first. Nothing is applied until you accept it.
      </p>
      {items.length > 0 && (
        <ul
          className="suggestion-legend"
          aria-label="What the strengths mean"
          data-testid="suggestion-legend"
        >
          {(["confident", "likely", "weak"] as const).map((strength) => (
            <li key={strength}>
              <span
                className={`badge ${strength === "confident" ? "badge-ok" : strength === "likely" ? "badge-warning" : "badge-muted"}`}
              >
                {STRENGTH_WORDS[strength].label}
              </span>{" "}
              {STRENGTH_WORDS[strength].help} ({listedByStrength(strength).toLocaleString()} listed)
            </li>
          ))}
        </ul>
      )}
      {modules.isPending && <Loading />}
      {modules.isError && <ErrorBanner error={modules.error} onRetry={() => void modules.refetch()} />}
      {modules.data && ready.length === 0 && <EmptyState>No module is ready for mapping yet.</EmptyState>}
      {review.isPending && moduleKey && <Loading label="Finding suggestions…" />}
      {review.isError && <ErrorBanner error={review.error} onRetry={() => void review.refetch()} />}
      {review.data && items.length === 0 && !review.isFetching && (
        <EmptyState>
          No suggestions: every {labels.moduleOrganization.toLowerCase()} with a likely match is mapped.
        </EmptyState>
      )}
      {items.length > 0 && (
        <ul className="suggestion-list" data-testid="suggestion-list" aria-busy={review.isFetching}>
          {items.map((item) => (
            <SuggestionItem
              key={item.moduleOrganizationId}
              item={item}
              canEdit={canEditMappings}
              isBusy={accept.isPending || reject.isPending}
              onAccept={(candidate) =>
                accept.mutate({
                  items: [
                    {
                      moduleOrganizationId: item.moduleOrganizationId,
                      organizationId: candidate.organizationId,
                    },
                  ],
                })
              }
              onReject={(candidate) =>
                reject.mutate({
                  moduleOrganizationId: item.moduleOrganizationId,
                  organizationId: candidate.organizationId,
                  organizationName: candidate.organizationName,
                })
              }
            />
          ))}
        </ul>
      )}
      {review.hasNextPage && (
        <button
          type="button"
          className="btn"
          disabled={review.isFetchingNextPage}
          onClick={() => void review.fetchNextPage()}
        >
          {review.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      )}
      {confirmCount !== null && (
        <ConfirmDialog
          title="Accept all confident suggestions?"
          confirmLabel={confirmCount === 0 ? "Close" : `Accept ${confirmCount.toLocaleString()}`}
          isBusy={accept.isPending}
          onCancel={() => setConfirmCount(null)}
          onConfirm={() => {
            if (confirmCount > 0) accept.mutate({ moduleKey, minScore: 0 });
            setConfirmCount(null);
          }}
        >
          <p data-testid="accept-all-count">
            {confirmCount === 0
              ? "No suggestion of this module is confident enough to be applied."
              : `${confirmCount.toLocaleString()} confident suggestion${confirmCount === 1 ? "" : "s"} of ${module?.name ?? moduleKey} will be applied as one step (it can be undone from History).`}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
