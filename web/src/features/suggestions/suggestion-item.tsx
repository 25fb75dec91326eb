import { inTermWords } from "../../../../src/domain/term.ts";
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

/** Below this score a candidate has little evidence: shown faint, never as a call to action. */
export const WEAK_BELOW = 0.6;

export type Strength = "confident" | "likely" | "weak";

/** Issue 13 point 13: three plain strengths instead of "confident" and an unexplained "best guess". */
export function strengthOf(candidate: Pick<SuggestionCandidate, "accept" | "score">): Strength {
  if (candidate.accept) return "confident";
  return candidate.score < WEAK_BELOW ? "weak" : "likely";
}

export const STRENGTH_WORDS: Record<Strength, { label: string; help: string }> = {
  confident: {
    label: "Confident",
    help: "a high score with a clear lead over the next candidate; “Accept all confident” applies these",
  },
  likely: { label: "Check", help: "the best candidate, but not certain: read its reasons before accepting" },
  weak: { label: "Weak", help: `under ${percent(WEAK_BELOW)}: little evidence, most likely not this one` },
};

/** Reasons in the instance's term, each once (the engine may give the same words for two signals). */
export function reasonsInWords(
  reasons: readonly string[],
  term: Parameters<typeof inTermWords>[1],
): string[] {
  return [...new Set(reasons.map((reason) => inTermWords(reason, term)))];
}

/**
 * One unmapped module organization: its best candidate with the strength in words, Accept as the
 * page's call to action only when confident, and the other candidates folded away.
 */
export function SuggestionItem({ item, canEdit, isBusy, onAccept, onReject }: SuggestionItemProps) {
  const labels = useTerm();
  const [best, ...others] = item.candidates;
  const row = (candidate: SuggestionCandidate, isBest: boolean) => {
    const strength = strengthOf(candidate);
    const reasons = reasonsInWords(candidate.reasons, labels.term);
    return (
      <li
        key={candidate.organizationId}
        className={`candidate candidate-${strength}`}
        data-organization-id={candidate.organizationId}
        data-strength={strength}
      >
        <div className="candidate-head">
          <span className={`score score-${strength}`}>{percent(candidate.score)}</span>
          <span
            className={`badge ${strength === "confident" ? "badge-ok" : strength === "likely" ? "badge-warning" : "badge-muted"}`}
            title={STRENGTH_WORDS[strength].help}
          >
            {STRENGTH_WORDS[strength].label}
          </span>
          <Link
            className="candidate-name"
            to={`/organizations/${encodeURIComponent(candidate.organizationId)}`}
          >
            {candidate.organizationName}
          </Link>
          <span className="toolbar-spacer" />
          {canEdit && (
            <>
              <button
                type="button"
                className={`btn btn-small${isBest && strength === "confident" ? " btn-primary" : ""}`}
                disabled={isBusy}
                aria-label={`Accept ${candidate.organizationName} for ${item.moduleOrganizationName}`}
                onClick={() => onAccept(candidate)}
              >
                Accept
              </button>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                disabled={isBusy}
                aria-label={`Reject ${candidate.organizationName} for ${item.moduleOrganizationName}`}
                onClick={() => onReject(candidate)}
              >
                Reject
              </button>
            </>
          )}
        </div>
        {reasons.length > 0 && (
          <ul className="reasons">
            {reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        )}
      </li>
    );
  };
  return (
    <li
      className="suggestion"
      data-module-organization-id={item.moduleOrganizationId}
      data-strength={best ? strengthOf(best) : undefined}
    >
      <h3 className="suggestion-name">{item.moduleOrganizationName}</h3>
      <ol
        className="candidates"
        aria-label={`Suggested ${labels.plural.toLowerCase()} for ${item.moduleOrganizationName}`}
      >
        {best && row(best, true)}
      </ol>
      {others.length > 0 && (
        <details className="other-candidates">
          <summary>
            {others.length} other {others.length === 1 ? "candidate" : "candidates"}
          </summary>
          <ol
            className="candidates"
            aria-label={`Other suggested ${labels.plural.toLowerCase()} for ${item.moduleOrganizationName}`}
          >
            {others.map((candidate) => row(candidate, false))}
          </ol>
        </details>
      )}
    </li>
  );
}
