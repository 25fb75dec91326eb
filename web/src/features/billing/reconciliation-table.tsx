import { Fragment, useState } from "react";
import type { termLabels } from "../../../../src/domain/term.ts";
import { Link } from "../shell/router.tsx";
import { money, signedUnits, stateWords, units } from "./billing-format.ts";
import type { ReconciliationPage, ReconciliationRow } from "./billing-queries.ts";
import type { Sort } from "./reconciliation-filters.ts";
import { RowDetailView } from "./row-detail.tsx";
import { UnmappedTarget } from "./unmapped-target.tsx";

type Labels = ReturnType<typeof termLabels>;

function OrganizationCell(props: { row: ReconciliationRow; labels: Labels; onOnly(id: string): void }) {
  const { row, labels, onOnly } = props;
  if (row.moduleOrganization && !row.organization) {
    return <UnmappedTarget moduleOrganization={row.moduleOrganization} />;
  }
  if (!row.organization) return <span className="muted">—</span>;
  const org = row.organization;
  return (
    <div>
      <Link to={`/organizations/${encodeURIComponent(org.id)}`}>{org.name}</Link>
      <div>
        <button
          type="button"
          className="btn-link small"
          aria-label={`Only rows of ${org.name}`}
          onClick={() => onOnly(org.id)}
        >
          Only this {labels.term.toLowerCase()}
        </button>
      </div>
    </div>
  );
}

/** The columns the rows can be sorted by, and which way each of those orders runs. */
const SORTED_BY: Partial<Record<Sort, "ascending" | "descending">> = {
  organization: "ascending",
  service: "ascending",
  difference: "descending",
  money: "descending",
};

/**
 * A header that sorts the rows by its column (each such order runs one way: names A to Z, the
 * largest difference or amount first); `aria-sort` says which column the rows are sorted by.
 */
function SortableHeader(props: {
  label: string;
  sortBy: Sort;
  sort: Sort;
  onSort(sort: Sort): void;
  className?: string;
}) {
  const isSorted = props.sort === props.sortBy;
  return (
    <th scope="col" className={props.className} aria-sort={isSorted ? SORTED_BY[props.sortBy] : undefined}>
      <button type="button" className="sort-button" onClick={() => props.onSort(props.sortBy)}>
        {props.label}
        <span className="sort-mark" aria-hidden="true">
          {isSorted ? (SORTED_BY[props.sortBy] === "ascending" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

/** One page of reconciliation rows; each row opens its drill-down below it. */
export function ReconciliationTable(props: {
  page: ReconciliationPage;
  labels: Labels;
  period: string;
  onOnlyOrganization(id: string): void;
  sort: Sort;
  onSort(sort: Sort): void;
}) {
  const { page, labels, period, onOnlyOrganization, sort, onSort } = props;
  const [open, setOpen] = useState<string | null>(null);
  const { currency, locale } = page;
  return (
    <table className="table" aria-label={`Reconciliation rows per ${labels.term.toLowerCase()} and service`}>
      <thead>
        <tr>
          <SortableHeader label={labels.term} sortBy="organization" sort={sort} onSort={onSort} />
          <SortableHeader label="PSA service" sortBy="service" sort={sort} onSort={onSort} />
          <th scope="col">Module · billing type</th>
          <th scope="col" className="num">
            Desired units
          </th>
          <th scope="col" className="num">
            PSA units
          </th>
          <SortableHeader
            label="Difference"
            sortBy="difference"
            sort={sort}
            onSort={onSort}
            className="num"
          />
          <SortableHeader label="Money a month" sortBy="money" sort={sort} onSort={onSort} className="num" />
          <th scope="col">State</th>
          <th scope="col">
            <span className="sr-only">Details</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((row) => {
          const isOpen = open === row.key;
          const detailId = `row-detail-${row.key.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
          const name = row.organization?.name ?? row.moduleOrganization?.name ?? "row";
          return (
            <Fragment key={row.key}>
              <tr data-state={row.state} data-row-key={row.key}>
                <td>
                  <OrganizationCell row={row} labels={labels} onOnly={onOnlyOrganization} />
                </td>
                <td>
                  {row.service ? row.service.name : <span className="muted">No service mapping</span>}
                  {row.contract && <div className="muted small">{row.contract.name}</div>}
                </td>
                <td>
                  {row.billingTypes.map((b) => (
                    <div key={`${b.moduleKey}:${b.billingType}`}>
                      {b.moduleName} · {b.billingTypeLabel}
                      {b.policy === "peak" && <span className="muted small"> (peak)</span>}
                    </div>
                  ))}
                </td>
                <td className="num">
                  {units(row.desiredUnits, locale)}
                  {row.isStale && <div className="error-text small">last known</div>}
                </td>
                <td className="num">
                  {units(row.psaUnits, locale)}
                  {row.isInvoiced && <div className="muted small">invoiced</div>}
                </td>
                <td className="num">{signedUnits(row.differenceUnits, locale)}</td>
                <td className="num">
                  {row.money === null ? (
                    <span className="muted">unknown (no price)</span>
                  ) : (
                    money(row.money, currency, locale)
                  )}
                </td>
                <td className={`state-${row.state}`}>{stateWords(row.state, labels)}</td>
                <td>
                  {row.sourceCount > 0 && (
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={isOpen}
                      aria-controls={detailId}
                      aria-label={`${isOpen ? "Hide" : "Show"} the ${row.sourceCount} ${labels.moduleOrganizations.toLowerCase()} of ${name}`}
                      onClick={() => setOpen(isOpen ? null : row.key)}
                    >
                      {isOpen ? "Hide" : `${row.sourceCount} ${row.sourceCount === 1 ? "source" : "sources"}`}
                    </button>
                  )}
                </td>
              </tr>
              {isOpen && (
                <tr className="billing-detail" id={detailId}>
                  <td colSpan={9}>
                    <RowDetailView rowKey={row.key} period={period} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
