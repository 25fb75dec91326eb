import { stringify } from "csv-stringify/sync";
import { kindKey, type StoredRow } from "../../db/reconciliation.repository.ts";
import { billingTypeLabel } from "../../domain/billing/billing-types.ts";
import type { UnitsPolicy, UnitsStep } from "../../domain/billing/desired-units.ts";
import { formatDecimal, formatMoney, parseDecimal } from "../../domain/billing/money.ts";
import type { BillingPeriod } from "../../domain/billing/period.ts";
import { nextPeriod, previousPeriod } from "../../domain/billing/period.ts";
import type { PeriodRowSummary } from "../../domain/billing/reconcile-columns.ts";
import type { RowBillingTypeRef, RowTrace } from "../../domain/billing/reconcile-period.ts";
import { RECONCILIATION_STATES, type ReconciliationState } from "../../domain/billing/reconciliation.ts";
import type { UnknownReason } from "../../domain/billing/usage-ledger.ts";
import { type OrganizationTerm, termLabels } from "../../domain/term.ts";
import { escapeFormula } from "../import-export.service.ts";

/** How rows, periods and CSV are shown: the stored snapshot turned into the API's answers. */

export interface Names {
  organizations: Map<string, { name: string; psaId: string }>;
  modules: Map<string, { name: string; connectorKind: string | null }>;
  moduleOrganizations: Map<string, { moduleKey: string; externalId: string; name: string }>;
}

/** The drill-down's compact form (worked out when asked, migration 0013): sources and the organization's steps. */
export interface StoredDetail {
  sources: { m: string; b: string; u: number | null; r: UnknownReason | null }[];
  steps: { f: number; t: number; u: number; k: number }[];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const STATE_RANK = new Map(RECONCILIATION_STATES.map((state, index) => [state, index]));
const decimal = (amount: bigint | null) => (amount === null ? null : formatDecimal(amount));

export function periodView(period: BillingPeriod, now: Date) {
  return {
    key: period.key,
    timeZone: period.timeZone,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    isCurrent: period.start <= now && now < period.end,
    previousKey: previousPeriod(period).key,
    nextKey: nextPeriod(period).key,
  };
}

/**
 * The row to store: names folded into its sort name, its (module, billing type) kinds for the
 * search (migration 0023; the drill-down is worked out when asked). One row plainly; a period's rows go through `toStoredRows`, which this one checks.
 */
export function toStoredRow(periodKey: string, row: PeriodRowSummary, names: Names): StoredRow {
  const organization = row.organizationId === null ? undefined : names.organizations.get(row.organizationId);
  const moduleOrganization =
    row.moduleOrganizationId === null ? undefined : names.moduleOrganizations.get(row.moduleOrganizationId);
  const typeWords = row.billingTypes.map((b) => {
    const module = names.modules.get(b.moduleKey);
    return `${module?.name ?? b.moduleKey} ${billingTypeLabel(b.billingType, module?.connectorKind ?? null)}`;
  });
  const sortName = organization?.name ?? moduleOrganization?.name ?? typeWords[0] ?? "";
  return {
    period_key: periodKey,
    row_key: row.key,
    state: row.state,
    state_rank: STATE_RANK.get(row.state) ?? 99,
    organization_id: row.organizationId,
    psa_service_id: row.service?.psaId ?? null,
    psa_service_name: row.service?.name ?? null,
    contract_psa_id: row.contract?.psaId ?? null,
    contract_name: row.contract?.name ?? null,
    module_keys: [...new Set(row.billingTypes.map((b) => b.moduleKey))],
    billing_types: row.billingTypes,
    module_organization_id: row.moduleOrganizationId,
    source_count: row.sourceCount,
    desired_units: row.desiredUnits,
    psa_units: row.psaUnits,
    difference_units: row.differenceUnits,
    units_at_stake: row.unitsAtStake,
    unit_price: decimal(row.unitPrice),
    price_source: row.priceSource,
    money: decimal(row.money),
    abs_money: decimal(row.money === null ? null : row.money < 0n ? -row.money : row.money),
    is_stale: row.isStale,
    is_invoiced: row.isInvoiced,
    sort_name: sortName.toLowerCase(),
    kinds: [...new Set(row.billingTypes.map((b) => kindKey(b.moduleKey, b.billingType)))],
  };
}

/**
 * `toStoredRow` for a period's rows, what many rows share made once: an organization's sort name,
 * a list of billing types' sort word, module keys and kinds (one array per list, shared by its
 * rows: COPY only reads them), the decimal text of a price or an amount
 * (reconciliation-views.test.ts compares them with `toStoredRow`'s).
 */
export function toStoredRows(
  periodKey: string,
  rows: readonly PeriodRowSummary[],
  names: Names,
): StoredRow[] {
  const organizations = new Map<string, string | undefined>();
  const sortNameOf = (id: string | null) => {
    if (id === null) return undefined;
    if (organizations.has(id)) return organizations.get(id);
    const name = names.organizations.get(id)?.name?.toLowerCase();
    organizations.set(id, name);
    return name;
  };
  interface TypeList {
    first: string | undefined;
    moduleKeys: string[];
    kinds: string[];
  }
  const typeLists = new Map<readonly RowBillingTypeRef[], TypeList>();
  // Neighbouring rows mostly share their list (rows come per billing type): the last one is kept at hand.
  let lastList: readonly RowBillingTypeRef[] | null = null;
  let lastTypes: TypeList | undefined;
  const typeListOf = (list: readonly RowBillingTypeRef[]) => {
    if (list === lastList) return lastTypes!;
    let found = typeLists.get(list);
    if (found === undefined) {
      const first = list[0];
      const module = first === undefined ? undefined : names.modules.get(first.moduleKey);
      found = {
        first:
          first === undefined
            ? undefined
            : `${module?.name ?? first.moduleKey} ${billingTypeLabel(first.billingType, module?.connectorKind ?? null)}`.toLowerCase(),
        moduleKeys: [...new Set(list.map((b) => b.moduleKey))],
        kinds: [...new Set(list.map((b) => kindKey(b.moduleKey, b.billingType)))],
      };
      typeLists.set(list, found);
    }
    lastList = list;
    lastTypes = found;
    return found;
  };
  // Amounts as numbers (exact below 2^53) name their text: a map of bigints would hash each one.
  const decimals = new Map<number, string>();
  const decimalOf = (amount: bigint | null) => {
    if (amount === null) return null;
    if (amount > MAX_SAFE || amount < MIN_SAFE) return formatDecimal(amount);
    const key = Number(amount);
    let text = decimals.get(key);
    if (text === undefined) {
      text = formatDecimal(amount);
      decimals.set(key, text);
    }
    return text;
  };
  const stored: StoredRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const moduleOrganization =
      row.moduleOrganizationId === null ? undefined : names.moduleOrganizations.get(row.moduleOrganizationId);
    const types = typeListOf(row.billingTypes);
    const sortName =
      sortNameOf(row.organizationId) ??
      (moduleOrganization === undefined ? undefined : moduleOrganization.name?.toLowerCase()) ??
      types.first ??
      "";
    stored[i] = {
      period_key: periodKey,
      row_key: row.key,
      state: row.state,
      state_rank: STATE_RANK.get(row.state) ?? 99,
      organization_id: row.organizationId,
      psa_service_id: row.service?.psaId ?? null,
      psa_service_name: row.service?.name ?? null,
      contract_psa_id: row.contract?.psaId ?? null,
      contract_name: row.contract?.name ?? null,
      module_keys: types.moduleKeys,
      kinds: types.kinds,
      billing_types: row.billingTypes,
      module_organization_id: row.moduleOrganizationId,
      source_count: row.sourceCount,
      desired_units: row.desiredUnits,
      psa_units: row.psaUnits,
      difference_units: row.differenceUnits,
      units_at_stake: row.unitsAtStake,
      unit_price: decimalOf(row.unitPrice),
      price_source: row.priceSource,
      money: decimalOf(row.money),
      abs_money: decimalOf(row.money === null ? null : row.money < 0n ? -row.money : row.money),
      is_stale: row.isStale,
      is_invoiced: row.isInvoiced,
      sort_name: sortName,
    };
  }
  return stored;
}

/** A row's drill-down (`rowTrace`; null: no usage behind the row) in its compact form. */
export function detailOf(trace: RowTrace | null): StoredDetail {
  return {
    sources: (trace?.sources ?? []).map((s) => ({
      m: s.moduleOrganizationId,
      b: s.billingType,
      u: s.units,
      r: s.unknownReason,
    })),
    steps: (trace?.steps ?? []).map((s) => ({
      f: s.from.getTime(),
      t: s.to.getTime(),
      u: s.units,
      k: s.unknownSources,
    })),
  };
}

/** Decimal text as stored ("12.5000") in the API's form ("12.50"). */
const money = (text: string | null) => {
  const amount = text === null ? null : parseDecimal(text);
  return amount === null ? null : formatDecimal(amount);
};

export function rowView(row: StoredRow, names: Names) {
  const organization =
    row.organization_id === null ? undefined : names.organizations.get(row.organization_id);
  const moduleOrganization =
    row.module_organization_id === null
      ? undefined
      : names.moduleOrganizations.get(row.module_organization_id);
  return {
    key: row.row_key,
    state: row.state as ReconciliationState,
    organization:
      row.organization_id === null
        ? null
        : { id: row.organization_id, name: organization?.name ?? "", psaId: organization?.psaId ?? "" },
    service:
      row.psa_service_id === null ? null : { psaId: row.psa_service_id, name: row.psa_service_name ?? "" },
    contract:
      row.contract_psa_id === null ? null : { psaId: row.contract_psa_id, name: row.contract_name ?? "" },
    billingTypes: (
      row.billing_types as { moduleKey: string; billingType: string; policy: UnitsPolicy | null }[]
    ).map((b) => {
      const module = names.modules.get(b.moduleKey);
      return {
        moduleKey: b.moduleKey,
        moduleName: module?.name ?? b.moduleKey,
        billingType: b.billingType,
        billingTypeLabel: billingTypeLabel(b.billingType, module?.connectorKind ?? null),
        policy: b.policy,
      };
    }),
    moduleOrganization:
      row.module_organization_id === null
        ? null
        : {
            id: row.module_organization_id,
            moduleKey: moduleOrganization?.moduleKey ?? "",
            externalId: moduleOrganization?.externalId ?? "",
            name: moduleOrganization?.name ?? "",
          },
    sourceCount: row.source_count,
    desiredUnits: row.desired_units,
    psaUnits: row.psa_units,
    differenceUnits: row.difference_units,
    unitsAtStake: row.units_at_stake,
    unitPrice: money(row.unit_price),
    priceSource: row.price_source as "contract" | "service" | null,
    money: money(row.money),
    isStale: row.is_stale,
    isInvoiced: row.is_invoiced,
  };
}

export type ReconciliationRowView = ReturnType<typeof rowView>;

export function stepsView(
  detail: StoredDetail,
): { from: string; to: string; units: number; unknownSources: number }[] {
  return detail.steps.map((s) => ({
    from: new Date(s.f).toISOString(),
    to: new Date(s.t).toISOString(),
    units: s.u,
    unknownSources: s.k,
  }));
}

export const stepsOf = (detail: StoredDetail): UnitsStep[] =>
  detail.steps.map((s) => ({ from: new Date(s.f), to: new Date(s.t), units: s.u, unknownSources: s.k }));

const STATE_WORDS: Record<ReconciliationState, string> = {
  under_billed: "under-billed",
  over_billed: "over-billed",
  unmapped_usage: "usage with no mapping",
  no_service_mapping: "billing type with no service mapping",
  no_contract: "no recurring contract",
  service_not_on_contract: "service not on the contract",
  stale_source: "stale source",
  in_balance: "in balance",
};

export function stateWords(state: ReconciliationState): string {
  return STATE_WORDS[state];
}

/** The rows as CSV: the term in the headers, every cell formula-safe, money exact and formatted. */
export function rowsCsv(
  rows: readonly ReconciliationRowView[],
  settings: { organizationTerm: OrganizationTerm; currency: string; locale: string },
  periodKey: string,
): string {
  const labels = termLabels(settings.organizationTerm);
  const header = [
    "Period",
    "State",
    labels.term,
    `${labels.term} PSA id`,
    "Service",
    "Contract",
    "Modules",
    "Billing types",
    labels.moduleOrganization,
    `${labels.moduleOrganization} id`,
    "Desired units",
    "PSA units",
    "Difference",
    "Unit price",
    "Money",
    `Money (${settings.currency})`,
    "Stale",
    "Invoiced",
  ];
  // Intl's own text from an exact amount: ours, not a vendor's, so no formula guard ("-$4.00").
  const formatted = (text: string | null): Cell => {
    const amount = text === null ? null : parseDecimal(text);
    return amount === null ? "unknown" : { ours: formatMoney(amount, settings.currency, settings.locale) };
  };
  const body = rows.map((row): Cell[] => [
    periodKey,
    stateWords(row.state),
    row.organization?.name ?? "",
    row.organization?.psaId ?? "",
    row.service?.name ?? "",
    row.contract?.name ?? "",
    [...new Set(row.billingTypes.map((b) => b.moduleName))].join("; "),
    row.billingTypes.map((b) => b.billingTypeLabel).join("; "),
    row.moduleOrganization?.name ?? "",
    row.moduleOrganization?.externalId ?? "",
    row.desiredUnits ?? "unknown",
    row.psaUnits ?? "",
    row.differenceUnits ?? "",
    row.unitPrice ?? "",
    row.money ?? "unknown",
    formatted(row.money),
    row.isStale ? "yes" : "no",
    row.isInvoiced ? "yes" : "no",
  ]);
  return stringify([header, ...body].map((cells) => cells.map(safeCell)));
}

/**
 * A cell a spreadsheet will not run: names come from vendors, so text passes the export's formula
 * guard; a plain number of ours ("-3", "-12.50") is a number to a spreadsheet, not a formula.
 */
type Cell = string | number | { ours: string };

export function safeCell(cell: Cell): string {
  if (typeof cell === "object") return cell.ours;
  const text = String(cell);
  return /^-?\d+(\.\d+)?$/.test(text) ? text : escapeFormula(text);
}
