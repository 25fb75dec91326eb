import type { termLabels } from "../../../../src/domain/term.ts";
import { Link } from "../shell/router.tsx";
import { money, periodName, stateHint, stateWords, units } from "./billing-format.ts";
import type { ReconciliationSummary, StateTotal } from "./billing-queries.ts";
import { type ReconciliationFilters, reconciliationUrl } from "./reconciliation-filters.ts";

type Labels = ReturnType<typeof termLabels>;

/** "Under-billed: 214 units, $3,420.00 a month" (the money is a lower bound when some rows have no price). */
export function totalSentence(total: StateTotal, summary: ReconciliationSummary, labels: Labels): string {
  const unitWord = total.units === 1 ? "unit" : "units";
  const amount = money(total.money, summary.currency, summary.locale);
  const unknown =
    total.rowsWithoutMoney > 0
      ? ` (+ ${units(total.rowsWithoutMoney, summary.locale)} ${total.rowsWithoutMoney === 1 ? "row" : "rows"} without a price)`
      : "";
  return `${stateWords(total.state, labels)}: ${units(total.units, summary.locale)} ${unitWord}, ${amount} a month${unknown}`;
}

/** The top of the page: under-billed first, then every state, then per module. */
export function ReconciliationTotals(props: {
  summary: ReconciliationSummary;
  filters: ReconciliationFilters;
  labels: Labels;
}) {
  const { summary, filters, labels } = props;
  const under = summary.totals.find((t) => t.state === "under_billed");
  const link = (patch: Partial<ReconciliationFilters>) =>
    reconciliationUrl({ period: filters.period, moduleKey: filters.moduleKey, ...patch });
  return (
    <section className="card billing-section" aria-labelledby="reconciliation-totals">
      <h2 id="reconciliation-totals">
        Totals for {periodName(summary.period.key, summary.locale)}
        {summary.period.isCurrent ? " (current period)" : ""}
      </h2>
      {under && (
        <p className="billing-lead" data-testid="under-billed-lead">
          <Link to={link({ state: "under_billed" })} className="state-under_billed">
            {totalSentence(under, summary, labels)}
          </Link>
        </p>
      )}
      <ul className="billing-totals" aria-label="Totals per state">
        {summary.totals.map((total) => (
          <li
            key={total.state}
            className={`billing-total${total.rows === 0 ? " is-zero" : ""}`}
            data-state={total.state}
          >
            <Link to={link({ state: total.state })}>
              <span className={`state-${total.state}`}>{stateWords(total.state, labels)}</span>
              <span className="total-figures">
                {" "}
                {units(total.rows, summary.locale)} {total.rows === 1 ? "row" : "rows"},{" "}
                {units(total.units, summary.locale)} {total.units === 1 ? "unit" : "units"},{" "}
                {money(total.money, summary.currency, summary.locale)}
              </span>
            </Link>
            <span className="muted small">{stateHint(total.state, labels)}</span>
          </li>
        ))}
      </ul>
      {summary.modules.length > 0 && (
        <table className="table table-compact" aria-label="Totals per module">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">What needs attention</th>
              <th scope="col">Last complete usage read</th>
            </tr>
          </thead>
          <tbody>
            {summary.modules.map((module) => {
              const open = module.byState.filter((t) => t.rows > 0 && t.state !== "in_balance");
              return (
                <tr key={module.moduleKey} data-module-key={module.moduleKey}>
                  <th scope="row">
                    <Link to={link({ moduleKey: module.moduleKey })}>{module.moduleName}</Link>
                  </th>
                  <td>
                    {open.length === 0 ? (
                      <span className="state-in_balance">Nothing</span>
                    ) : (
                      <ul className="billing-module-totals">
                        {open.map((t) => (
                          <li key={t.state}>
                            <Link to={link({ moduleKey: module.moduleKey, state: t.state })}>
                              {totalSentence(t, summary, labels)}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className={module.isStale ? "error-text" : ""}>
                    {module.lastCompleteUsageReadAt
                      ? new Date(module.lastCompleteUsageReadAt).toLocaleString(summary.locale, {
                          dateStyle: "medium",
                          timeStyle: "short",
                          timeZone: summary.period.timeZone,
                        })
                      : "Never"}
                    {module.isStale ? ` (stale after ${summary.staleAfterHours} hours)` : ""}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small">
        {units(summary.unmappedModuleOrganizations, summary.locale)} unmapped{" "}
        {labels.moduleOrganizations.toLowerCase()} with usage. PSA contracts read{" "}
        {summary.contractsReadAt
          ? new Date(summary.contractsReadAt).toLocaleString(summary.locale, {
              dateStyle: "medium",
              timeStyle: "short",
              timeZone: summary.period.timeZone,
            })
          : "never: every mapped row shows as having no contract until the PSA sync reads them"}
        .
      </p>
    </section>
  );
}
