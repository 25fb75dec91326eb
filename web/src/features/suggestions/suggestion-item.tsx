import type { Suggestion, SuggestionCandidate } from "../../api/api-types.ts";
import { useTerm } from "../auth/session-hooks.ts";
import { Link } from "../shell/router.tsx";

interface SuggestionItemProps {
  item: Suggestion;
  canEdit: boolean;
  isBusy: boolean;
  onAccept(candidate: SuggestionCandidate): void;
  onReject(candidate: SuggestionCandidate): void;
}

export function percent(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/** One unmapped module organization and its candidates, best first, each with its score and reasons. */
export function SuggestionItem({ item, canEdit, isBusy, onAccept, onReject }: SuggestionItemProps) {
  const labels = useTerm();
  return (
    <li className="suggestion" data-module-organization-id={item.moduleOrganizationId}>
      <h3 className="suggestion-name">{item.moduleOrganizationName}</h3>
      <ol
        className="candidates"
        aria-label={`Suggested ${labels.plural.toLowerCase()} for ${item.moduleOrganizationName}`}
      >
        {item.candidates.map((candidate, rank) => (
          <li
            key={candidate.organizationId}
            className="candidate"
            data-organization-id={candidate.organizationId}
          >
            <div className="candidate-head">
              <span
                className={`score${candidate.accept ? " score-confident" : ""}`}
                title={
                  candidate.accept ? "Confident: a high score with a clear margin over the next" : "Score"
                }
              >
                {percent(candidate.score)}
              </span>
              <Link
                className="candidate-name"
                to={`/organizations/${encodeURIComponent(candidate.organizationId)}`}
              >
                {candidate.organizationName}
              </Link>
              {candidate.accept && <span className="badge badge-ok">confident</span>}
              {rank === 0 && !candidate.accept && <span className="badge badge-muted">best guess</span>}
              <span className="toolbar-spacer" />
              {canEdit && (
                <>
                  <button
                    type="button"
                    className="btn btn-small btn-primary"
                    disabled={isBusy}
                    aria-label={`Accept ${candidate.organizationName} for ${item.moduleOrganizationName}`}
                    onClick={() => onAccept(candidate)}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={isBusy}
                    aria-label={`Reject ${candidate.organizationName} for ${item.moduleOrganizationName}`}
                    onClick={() => onReject(candidate)}
                  >
                    Reject
                  </button>
                </>
              )}
            </div>
            {candidate.reasons.length > 0 && (
              <ul className="reasons">
                {candidate.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </li>
  );
}
