import { useMemo } from "react";
import { money } from "./billing-format.ts";

const COMMON_LOCALES = [
  "en-US",
  "en-GB",
  "en-CA",
  "en-AU",
  "de-DE",
  "de-CH",
  "fr-FR",
  "fr-CA",
  "nl-NL",
  "es-ES",
  "it-IT",
  "sv-SE",
  "ja-JP",
];

function currencies(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const codes = intl.supportedValuesOf?.("currency") ?? ["USD", "EUR", "GBP", "CAD", "AUD"];
  return codes.includes(current) ? codes : [current, ...codes];
}

function currencyName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "currency" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Currency and locale of billing figures (reconciliation, dashboard), on the settings page. */
export function MoneySettingsFields(props: {
  currency: string;
  locale: string;
  disabled: boolean;
  onChange(patch: { currency?: string; locale?: string }): void;
}) {
  const { currency, locale, disabled, onChange } = props;
  const codes = useMemo(() => currencies(currency), [currency]);
  const sample = money("3420.00", currency, locale);
  return (
    <>
      <label className="field">
        <span>Currency</span>
        <select
          className="input"
          name="currency"
          value={currency}
          disabled={disabled}
          onChange={(event) => onChange({ currency: event.target.value })}
        >
          {codes.map((code) => (
            <option key={code} value={code}>
              {code} · {currencyName(code, locale)}
            </option>
          ))}
        </select>
        <small className="muted">
          Money in reconciliation is shown in it; the PSA's prices are taken as this currency.
        </small>
      </label>
      <label className="field">
        <span>Locale for numbers and money</span>
        <input
          className="input"
          name="locale"
          list="locale-choices"
          value={locale}
          disabled={disabled}
          onChange={(event) => onChange({ locale: event.target.value })}
        />
        <datalist id="locale-choices">
          {COMMON_LOCALES.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <small className="muted">A language tag such as en-US or de-DE. Example: {sample}</small>
      </label>
    </>
  );
}
