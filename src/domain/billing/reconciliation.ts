import { formatDecimal, multiplyUnits, sumAmounts } from "./money.ts";

/**
 * Product rule 14: the state of one (organization, service, period), comparing the units the usage
 * asks for with the units the PSA's contract service bills. The checks run in the order an admin
 * fixes things: map the module organization, map the billing type to a service, put a recurring
 * contract in place, put the service on it, get the source read again; only then do the units
 * say under- or over-billed.
 */
export type ReconciliationState =
  | "in_balance"
  | "under_billed"
  | "over_billed"
  | "unmapped_usage"
  | "no_contract"
  | "service_not_on_contract"
  | "no_service_mapping"
  | "stale_source";

export const RECONCILIATION_STATES: readonly ReconciliationState[] = [
  "under_billed",
  "over_billed",
  "unmapped_usage",
  "no_service_mapping",
  "no_contract",
  "service_not_on_contract",
  "stale_source",
  "in_balance",
];

export interface ReconciliationInput {
  /** Null: usage of an unmapped module organization. */
  organizationId: string | null;
  /** Desired units (desiredUnits); null when unknown. */
  desiredUnits: number | null;
  /** True when an unknown reading was replaced by its last known quantity. */
  isStale: boolean;
  /** False when the billing type has no service mapping. */
  hasServiceMapping: boolean;
  /** The organization's active recurring contract, when it has one. */
  contract: null | {
    /** The mapped service on that contract, when it is there. */
    contractService: null | {
      /** Units the PSA bills for the period (ContractServiceUnits); 0 when it has no row yet. */
      psaUnits: number;
      /** Ten-thousandths (money.ts); null when the PSA gives no unit price. */
      unitPrice: bigint | null;
    };
  };
}

export interface ReconciliationResult {
  state: ReconciliationState;
  desiredUnits: number | null;
  psaUnits: number | null;
  /** Desired minus PSA units: positive is revenue lost (under-billed). Null when either is unknown. */
  differenceUnits: number | null;
  unitPrice: bigint | null;
  /** Difference times unit price; null when either is unknown (the units still reconcile). */
  differenceMoney: bigint | null;
}

/** Reconciles one row. */
export function reconcile(input: ReconciliationInput): ReconciliationResult {
  const contractService = input.contract?.contractService ?? null;
  const psaUnits = contractService?.psaUnits ?? null;
  const unitPrice = contractService?.unitPrice ?? null;
  const differenceUnits =
    input.desiredUnits !== null && psaUnits !== null ? input.desiredUnits - psaUnits : null;
  const differenceMoney =
    differenceUnits !== null && unitPrice !== null ? multiplyUnits(differenceUnits, unitPrice) : null;
  return {
    state: stateOf(input, differenceUnits),
    desiredUnits: input.desiredUnits,
    psaUnits,
    differenceUnits,
    unitPrice,
    differenceMoney,
  };
}

function stateOf(input: ReconciliationInput, differenceUnits: number | null): ReconciliationState {
  if (input.organizationId === null) return "unmapped_usage";
  if (!input.hasServiceMapping) return "no_service_mapping";
  if (input.contract === null) return "no_contract";
  if (input.contract.contractService === null) return "service_not_on_contract";
  if (input.isStale || differenceUnits === null) return "stale_source";
  if (differenceUnits > 0) return "under_billed";
  if (differenceUnits < 0) return "over_billed";
  return "in_balance";
}

export interface StateTotal {
  state: ReconciliationState;
  rows: number;
  /**
   * Units at stake: the absolute difference where the PSA bills something to compare with; the
   * desired units where nothing bills them (unmapped, no service mapping, no contract or service).
   */
  units: number;
  /** Sum of the absolute money differences of the rows whose money is known, as a decimal string. */
  money: string;
  /** Rows whose money is unknown (no unit price), so the money total is a lower bound. */
  rowsWithoutMoney: number;
}

/**
 * Totals per state, every state present even at zero, for the line an admin reads first:
 * "under-billed: 214 units, $3,420.00 a month".
 */
export function totalsByState(results: readonly ReconciliationResult[]): StateTotal[] {
  return RECONCILIATION_STATES.map((state) => {
    const rows = results.filter((result) => result.state === state);
    const abs = (value: bigint) => (value < 0n ? -value : value);
    return {
      state,
      rows: rows.length,
      units: rows.reduce((sum, row) => sum + unitsAtStake(row), 0),
      money: formatDecimal(
        sumAmounts(rows.flatMap((row) => (row.differenceMoney === null ? [] : [abs(row.differenceMoney)]))),
      ),
      rowsWithoutMoney: rows.filter((row) => row.differenceUnits !== null && row.differenceMoney === null)
        .length,
    };
  });
}

function unitsAtStake(row: ReconciliationResult): number {
  if (row.psaUnits === null) return row.desiredUnits ?? 0;
  return Math.abs(row.differenceUnits ?? 0);
}
