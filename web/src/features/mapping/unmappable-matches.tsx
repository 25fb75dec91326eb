import { useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useTerm } from "../auth/session-hooks.ts";
import { Link } from "../shell/router.tsx";

/**
 * Issue 13 point 11: a search that matches Dead or Cancelation organizations says so, and why they
 * are not rows here (rule 2: they can never be a target), with a link to each one's own page, where
 * its mappings that need attention are shown.
 */
export function UnmappableMatches({ search }: { search: string }) {
  const api = useApi();
  const labels = useTerm();
  const matches = useQuery({
    queryKey: ["org-unmappable", search],
    queryFn: ({ signal }) =>
      api.request("GET /organizations", { query: { isMappable: false, search, limit: 5 }, signal }),
    staleTime: 30_000,
  });
  const items = matches.data?.items ?? [];
  if (items.length === 0) return null;
  const term = labels.term.toLowerCase();
  return (
    <div className="banner banner-warning" role="note" data-testid="unmappable-matches">
      <span>
        {items.length === 1 ? `This ${term} matches` : `These ${labels.plural.toLowerCase()} match`} but{" "}
        {items.length === 1 ? "is" : "are"} not listed here: a Dead or Cancelation {term} can never receive a
        mapping.{" "}
        {items.map((org, i) => (
          <span key={org.id}>
            {i > 0 && ", "}
            <Link to={`/organizations/${encodeURIComponent(org.id)}`}>
              Show {org.name} ({org.type})
            </Link>
          </span>
        ))}
        {matches.data?.nextCursor ? ", …" : ""}
      </span>
    </div>
  );
}
