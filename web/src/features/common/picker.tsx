import { type ReactNode, useCallback, useRef, useState } from "react";
import { Combobox, type ComboboxOption } from "./combobox.tsx";
import { Popover } from "./popover.tsx";
import { useDebouncedValue } from "./use-debounced-value.ts";

export interface OptionsResult<T> {
  options: ComboboxOption<T>[];
  isLoading: boolean;
  error: unknown;
  footer?: string;
}

/** A hook that fetches options for a search text; called only while the picker is open. */
export type UseOptions<T, A> = (search: string, args: A) => OptionsResult<T>;

interface PickerProps<T, A> {
  /** Accessible name of the button, e.g. "IT Glue for Acme Corp: Acme NY". */
  ariaLabel: string;
  /** Accessible name of the combobox, e.g. "IT Glue organizations". */
  comboLabel: string;
  children: ReactNode;
  className?: string;
  selectedId?: string | null;
  /** A hook at module level (stable), called with the search text and `optionsArgs` while open. */
  useOptions: UseOptions<T, A>;
  optionsArgs: A;
  onSelect(option: ComboboxOption<T>): void;
  /** Extra keys for the button (arrow-key navigation in grids). */
  onButtonKeyDown?: (event: React.KeyboardEvent<HTMLButtonElement>) => void;
  /** A cell of an ARIA grid: the grid's roving tab stop decides which one cell Tab reaches (-1 here). */
  dataCell?: string;
  /** Shown under "No matches" when the search finds nothing (e.g. "Create in Autotask"). */
  emptyAction?: (close: () => void) => ReactNode;
}

/** A button that opens a searchable combobox in a popover; Escape or a choice returns focus to it. */
export function Picker<T, A>(props: PickerProps<T, A>) {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  const close = useCallback(() => {
    setIsOpen(false);
    buttonRef.current?.focus();
  }, []);
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={props.className ?? "picker-button"}
        aria-label={props.ariaLabel}
        aria-haspopup="listbox"
        aria-expanded={isOpen}
        data-cell={props.dataCell}
        tabIndex={props.dataCell ? -1 : undefined}
        onClick={() => setIsOpen((open) => !open)}
        onKeyDown={props.onButtonKeyDown}
      >
        {props.children}
      </button>
      {isOpen && buttonRef.current && (
        <Popover anchor={buttonRef.current} onClose={close}>
          <PickerPanel
            label={props.comboLabel}
            useOptions={props.useOptions}
            optionsArgs={props.optionsArgs}
            selectedId={props.selectedId}
            onClose={close}
            emptyAction={props.emptyAction}
            onSelect={(option) => {
              close();
              props.onSelect(option);
            }}
          />
        </Popover>
      )}
    </>
  );
}

function PickerPanel<T, A>(props: {
  label: string;
  useOptions: UseOptions<T, A>;
  optionsArgs: A;
  selectedId?: string | null;
  onSelect(option: ComboboxOption<T>): void;
  onClose(): void;
  emptyAction?: ((close: () => void) => ReactNode) | undefined;
}) {
  const [query, setQuery] = useState("");
  const search = useDebouncedValue(query.trim(), 200);
  const result = props.useOptions(search, props.optionsArgs);
  const combobox = (
    <Combobox
      label={props.label}
      query={query}
      onQueryChange={setQuery}
      options={result.options}
      isLoading={result.isLoading}
      error={result.error}
      footer={result.footer}
      selectedId={props.selectedId}
      onSelect={props.onSelect}
      onClose={props.onClose}
    />
  );
  const isEmpty = !result.isLoading && result.error == null && result.options.length === 0;
  return isEmpty && props.emptyAction ? (
    <>
      {combobox}
      <div className="combobox-note">{props.emptyAction(props.onClose)}</div>
    </>
  ) : (
    combobox
  );
}
