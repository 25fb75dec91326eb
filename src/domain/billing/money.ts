/**
 * Money as exact decimals: an amount is a bigint of ten-thousandths of the currency unit
 * (12.5 is 125000n), carried in JSON as a decimal string ("12.50").
 *
 * Why not binary floating point: 0.1 + 0.2 !== 0.3, and a sum over 50,000 rows drifts by cents.
 * Why not integer minor units (cents): a PSA unit price may have more than two decimals (a yearly
 * price spread over months is 4.1667 a month) and currencies differ in minor digits (JPY 0,
 * BHD 3). Four decimals hold every such price exactly; products of whole units and sums stay
 * exact; rounding to the currency's digits happens once, when a number is shown.
 */

export const MONEY_SCALE = 4;
const FACTOR = 10n ** BigInt(MONEY_SCALE);
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal from a string ("12.5", "-0.4167") or a JSON number (12.5: its shortest decimal
 * form is what the JSON text said). Digits past the fourth decimal are rounded half away from
 * zero. Null for anything that is not a plain decimal (NaN, "1e5", "", "12,50").
 */
export function parseDecimal(value: unknown): bigint | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    return null;
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  const kept = BigInt(whole) * FACTOR + BigInt(fraction.slice(0, MONEY_SCALE).padEnd(MONEY_SCALE, "0"));
  const roundsUp = fraction.length > MONEY_SCALE && Number(fraction[MONEY_SCALE]) >= 5;
  const magnitude = roundsUp ? kept + 1n : kept;
  return sign === "-" ? -magnitude : magnitude;
}

/** The amount as a decimal string with at least two decimals: 125000n -> "12.50", 41667n -> "4.1667". */
export function formatDecimal(amount: bigint): string {
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const whole = magnitude / FACTOR;
  let fraction = (magnitude % FACTOR).toString().padStart(MONEY_SCALE, "0");
  while (fraction.length > 2 && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** Whole units times a unit price, exactly. */
export function multiplyUnits(units: number, unitPrice: bigint): bigint {
  if (!Number.isSafeInteger(units)) throw new RangeError(`units must be a whole number, got ${units}`);
  return BigInt(units) * unitPrice;
}

export function sumAmounts(amounts: Iterable<bigint>): bigint {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}

/**
 * The amount for people, in the instance's currency and locale ("$3,420.00", "3.420,00 €").
 * Intl formats the decimal string itself, so no float ever holds the amount.
 */
export function formatMoney(amount: bigint, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  // ES2023 Intl accepts an exact decimal string; the types still say number.
  return format.format(formatDecimal(amount) as unknown as number);
}
