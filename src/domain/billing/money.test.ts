import { describe, expect, it } from "vitest";
import { formatDecimal, formatMoney, multiplyUnits, parseDecimal, sumAmounts } from "./money.ts";

describe("money", () => {
  it("reads decimals from strings and JSON numbers exactly", () => {
    expect(parseDecimal("12.5")).toBe(125_000n);
    expect(parseDecimal(12.5)).toBe(125_000n);
    expect(parseDecimal(0.1)).toBe(1_000n);
    expect(parseDecimal("-0.4167")).toBe(-4_167n);
    expect(parseDecimal("+3")).toBe(30_000n);
    expect(parseDecimal(" 7 ")).toBe(70_000n);
  });

  it("rounds past the fourth decimal half away from zero", () => {
    expect(parseDecimal("4.16665")).toBe(41_667n);
    expect(parseDecimal("4.16664")).toBe(41_666n);
    expect(parseDecimal("-4.16665")).toBe(-41_667n);
  });

  it("refuses what is not a plain decimal", () => {
    for (const bad of [
      "",
      "abc",
      "1e5",
      "12,50",
      "1.2.3",
      null,
      undefined,
      Number.NaN,
      Infinity,
      true,
      1e-7,
    ]) {
      expect(parseDecimal(bad)).toBeNull();
    }
  });

  it("writes amounts with at least two decimals", () => {
    expect(formatDecimal(125_000n)).toBe("12.50");
    expect(formatDecimal(41_667n)).toBe("4.1667");
    expect(formatDecimal(0n)).toBe("0.00");
    expect(formatDecimal(-5n)).toBe("-0.0005");
  });

  it("keeps sums and products exact where floats drift", () => {
    const tenCents = parseDecimal("0.1")!;
    const sum = sumAmounts(Array.from({ length: 100_000 }, () => tenCents));
    expect(formatDecimal(sum)).toBe("10000.00");
    expect(formatDecimal(multiplyUnits(214, parseDecimal("15.98")!))).toBe("3419.72");
    expect(formatDecimal(multiplyUnits(-3, parseDecimal("4.1667")!))).toBe("-12.5001");
    expect(() => multiplyUnits(1.5, 10n)).toThrow(RangeError);
  });

  it("formats in the instance's currency and locale, rounding only for display", () => {
    expect(formatMoney(34_200_000n, "USD", "en-US")).toBe("$3,420.00");
    expect(formatMoney(34_200_049n, "USD", "en-US")).toBe("$3,420.00");
    expect(formatMoney(34_200_000n, "EUR", "de-DE")).toBe("3.420,00\u00a0€");
    expect(formatMoney(34_200_000n, "JPY", "ja-JP")).toBe("￥3,420");
  });
});
