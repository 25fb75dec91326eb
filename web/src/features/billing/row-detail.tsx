import { useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useTerm } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { Link } from "../shell/router.tsx";
import { units } from "./billing-format.ts";
import { RECONCILIATION_KEY, type RowDetail } from "./billing-queries.ts";

const UNKNOWN_WORDS = { failed: "read failed", skipped: "not in the read", stale: "stale" } as const;

function when(iso: string | null, detail: RowDetail): string {
  if (!iso) return "now";
  return new Date(iso).toLocaleString(detail.locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: detail.period.timeZone,
  });
}

/** The drill-down of one row: the module organizations whose usage made it, their readings and mappings. */
export function RowDetailView({ rowKey, period }: { rowKey: string; period: string }) {
  const api = useApi();
  const labels = useTerm();
  const detail = useQuery({
    queryKey: [...RECONCILIATION_KEY, "row", rowKey, period],
    queryFn: () =>
      api.request("GET /reconciliation/rows/:key", {
        params: { key: rowKey },
        query: { period: period || undefined },
      }),
  });
  if (detail.isPending) return <Loading label="Loading the readings…" />;
  if (detail.isError) return <ErrorBanner error={detail.error} onRetry={() => void detail.refetch()} />;
  const d = detail.data;
  return (
    <div className="details" data-testid="row-detail">
      {d.steps.length > 1 && (
        <>
          <h4>Units through the period</h4>
          <ul>
            {d.steps.map((s) => (
              <li key={s.from}>
                {units(s.units, d.locale)} from {when(s.from, d)} to {when(s.to, d)}
                {s.unknownSources > 0
                  ? ` (${s.unknownSources} with an unknown reading, last known counted)`
                  : ""}
              </li>
            ))}
          </ul>
        </>
      )}
      <table className="table table-compact">
        <caption className="sr-only">{labels.moduleOrganizations} whose usage made this row</caption>
        <thead>
          <tr>
            <th scope="col">{labels.moduleOrganization}</th>
            <th scope="col">Billing type</th>
            <th scope="col" className="num">
              Units
            </th>
            <th scope="col">Readings</th>
            <th scope="col">Mapped to ({labels.term})</th>
          </tr>
        </thead>
        <tbody>
          {d.sources.map((s) => (
            <tr key={`${s.moduleOrganization.id}:${s.billingType}`}>
              <th scope="row">
                <Link
                  to={`/mapping?tab=module-organizations&moduleKey=${encodeURIComponent(s.moduleOrganization.moduleKey)}&search=${encodeURIComponent(s.moduleOrganization.name)}`}
                >
                  {s.moduleOrganization.name}
                </Link>
                <div className="muted small">
                  {s.moduleOrganization.moduleName} · {s.moduleOrganization.externalId}
                </div>
              </th>
              <td>{s.billingTypeLabel}</td>
              <td className="num">
                {units(s.units, d.locale)}
                {s.unknownReason && <div className="error-text small">{UNKNOWN_WORDS[s.unknownReason]}</div>}
              </td>
              <td>
                <ul className="billing-module-totals">
                  {s.readings.map((r) => (
                    <li key={r.validFrom}>
                      {r.quantity === null
                        ? `unknown (${r.unknownReason ? UNKNOWN_WORDS[r.unknownReason] : "no reading"})`
                        : units(r.quantity, d.locale)}{" "}
                      <span className="muted">
                        from {when(r.validFrom, d)}
                        {r.validTo ? ` to ${when(r.validTo, d)}` : ""}
                      </span>
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                <ul className="billing-module-totals">
                  {s.mappings.length === 0 && <li>Not mapped in the period</li>}
                  {s.mappings.map((m) => (
                    <li key={m.validFrom}>
                      {m.isExcluded ? "Excluded (never billed)" : (m.organizationName ?? "—")}{" "}
                      <span className="muted">
                        from {when(m.validFrom, d)}
                        {m.validTo ? ` to ${when(m.validTo, d)}` : ""}
                      </span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
