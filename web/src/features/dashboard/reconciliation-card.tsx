import { useTerm } from "../auth/session-hooks.ts";
import { money, periodName, stateWords, units } from "../billing/billing-format.ts";
import { reconciliationUrl } from "../billing/reconciliation-filters.ts";
import { Link } from "../shell/router.tsx";
import type { Dashboard } from "./dashboard-queries.ts";

/** Reconciliation totals by state, current and previous period side by side; each figure opens its rows. */
export function ReconciliationCard({ dashboard }: { dashboard: Dashboard }) {
  const labels = useTerm();
  const { currency, locale, periods } = dashboard;
  const states = periods[0]?.totals.map((t) => t.state) ?? [];
  return (
    <table className="table" aria-labelledby="dashboard-reconciliation">
      <thead>
        <tr>
          <th scope="col">State</th>
          {periods.map((p) => (
            <th scope="col" key={p.key} className="num">
              {periodName(p.key, locale)}
              {p.isCurrent ? " (current)" : ""}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {states.map((state) => (
          <tr key={state} data-state={state}>
            <th scope="row" className={`state-${state}`}>
              {stateWords(state, labels)}
            </th>
            {periods.map((p) => {
              const total = p.totals.find((t) => t.state === state);
              if (!total) return <td key={p.key} />;
              const period = p.isCurrent ? undefined : p.key;
              return (
                <td key={p.key} className="num">
                  <Link
                    to={reconciliationUrl({ period: period ?? "", state })}
                    data-testid="dashboard-reconciliation-total"
                    data-period={p.key}
                  >
                    {units(total.units, locale)} {total.units === 1 ? "unit" : "units"},{" "}
                    {money(total.money, currency, locale)}
                  </Link>
                  <div className="muted small">
                    {units(total.rows, locale)} {total.rows === 1 ? "row" : "rows"}
                    {total.rowsWithoutMoney > 0
                      ? `, ${units(total.rowsWithoutMoney, locale)} without a price`
                      : ""}
                  </div>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
