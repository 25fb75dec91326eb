import { formatMoney, parseDecimal } from "../../../../src/domain/billing/money.ts";
import type { ReconciliationState } from "../../../../src/domain/billing/reconciliation.ts";
import type { termLabels } from "../../../../src/domain/term.ts";

type Labels = ReturnType<typeof termLabels>;

/** Each reconciliation state in words (product rule 14), with the instance's term. */
export function stateWords(state: ReconciliationState, labels: Labels): string {
  switch (state) {
    case "under_billed":
      return "Under-billed";
    case "over_billed":
      return "Over-billed";
    case "unmapped_usage":
      return `Usage of an unmapped ${labels.moduleOrganization.toLowerCase()}`;
    case "no_service_mapping":
      return "Billing type with no service mapping";
    case "no_contract":
      return `${labels.term} with no recurring contract`;
    case "service_not_on_contract":
      return "Service not on the contract";
    case "stale_source":
      return "Stale source (last known units)";
    case "in_balance":
      return "In balance";
  }
}

/** What an admin does about a state, in a few words (shown under the totals). */
export function stateHint(state: ReconciliationState, labels: Labels): string {
  switch (state) {
    case "under_billed":
      return "The PSA bills fewer units than the usage: revenue lost.";
    case "over_billed":
      return "The PSA bills more units than the usage.";
    case "unmapped_usage":
      return `Map the ${labels.moduleOrganization.toLowerCase()} to bill its usage.`;
    case "no_service_mapping":
      return "Give the billing type a PSA service in Service mappings.";
    case "no_contract":
      return `Put an active recurring contract in place for the ${labels.term.toLowerCase()}.`;
    case "service_not_on_contract":
      return "Add the service to the contract.";
    case "stale_source":
      return "The module's last usage read failed or is old.";
    case "in_balance":
      return "Nothing to do.";
  }
}

/** Money from exact decimal text, in the instance's currency and locale; "unknown" without a price. */
export function money(text: string | null, currency: string, locale: string): string {
  if (text === null) return "unknown";
  const amount = parseDecimal(text);
  if (amount === null) return "unknown";
  try {
    return formatMoney(amount, currency, locale);
  } catch {
    return `${text} ${currency}`;
  }
}

/** A whole number in the instance's locale; "—" when unknown. */
export function units(value: number | null, locale: string): string {
  if (value === null) return "—";
  try {
    return value.toLocaleString(locale);
  } catch {
    return value.toLocaleString();
  }
}

/** A signed unit difference ("+12", "−3"). */
export function signedUnits(value: number | null, locale: string): string {
  if (value === null) return "—";
  if (value === 0) return units(0, locale);
  return `${value > 0 ? "+" : "−"}${units(Math.abs(value), locale)}`;
}

/** "2026-11" -> "November 2026" in the locale. */
export function periodName(key: string, locale: string): string {
  const [year, month] = key.split("-").map(Number);
  if (!year || !month) return key;
  try {
    return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(
      new Date(Date.UTC(year, month - 1, 15)),
    );
  } catch {
    return key;
  }
}

/** The `count` period keys up to and including `key`, newest first ("2026-11", "2026-10", ...). */
export function periodsBefore(key: string, count: number): string[] {
  const [year = 2000, month = 1] = key.split("-").map(Number);
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = year * 12 + (month - 1) - i;
    keys.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return keys;
}
