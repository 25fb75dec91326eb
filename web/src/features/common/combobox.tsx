import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { errorMessage } from "../../api/api-client.ts";

export interface ComboboxOption<T = unknown> {
  id: string;
  /** What the consumer needs when this option is chosen. */
  value?: T;
  label: string;
  /** Secondary text: where it is mapped now, "Unmapped", a suggestion score. */
  hint?: string;
  tone?: "default" | "suggested" | "muted" | "none";
  /** May be active when the list opens (an exact match or a suggestion): Enter chooses it. */
  preselect?: boolean;
}

interface ComboboxProps<T> {
  label: string;
  query: string;
  onQueryChange(query: string): void;
  options: ComboboxOption<T>[];
  isLoading?: boolean;
  error?: unknown;
  placeholder?: string;
  selectedId?: string | null;
  onSelect(option: ComboboxOption<T>): void;
  onClose(): void;
  /** Shown under the list, e.g. "Type to narrow 1,234 more". */
  footer?: string;
}

/** The option active when a list opens: the first exact match or suggestion, else none (-1). */
export function firstPreselected(options: readonly ComboboxOption<unknown>[]): number {
  return options.findIndex((option) => option.preselect === true);
}

/**
 * A searchable ARIA 1.2 combobox (input + listbox, aria-activedescendant). Keyboard: Up/Down/Home/End
 * move, Enter chooses, Escape closes, Tab closes and returns focus (no option is chosen on Tab). Option text is rendered as text only: names are untrusted.
 */
export function Combobox<T>(props: ComboboxProps<T>) {
  const { options, onSelect, onClose } = props;
  const listId = useId();
  // -1: nothing active, Enter does nothing (no guess is ever chosen for the person).
  const [active, setActive] = useState(() => firstPreselected(options));
  const listRef = useRef<HTMLDivElement>(null);

  // A new result list restarts at its pre-selected option, if any.
  useEffect(() => setActive(firstPreselected(options)), [options]);
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const last = options.length - 1;
    if (event.key === "ArrowDown") setActive((i) => Math.min(i + 1, last));
    // Tab closes the popup without choosing and `onClose` puts focus back on what opened it (the next
    // Tab moves on from there). The browser's own Tab is stopped: run from a field about to be removed
    // from the end of the page, it dropped focus on <body> (seen in Chromium).
    else if (event.key === "Tab") onClose();
    else if (event.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
    else if (event.key === "Home" && event.ctrlKey) setActive(0);
    else if (event.key === "End" && event.ctrlKey) setActive(last);
    else if (event.key === "PageDown") setActive((i) => Math.min(i + 8, last));
    else if (event.key === "PageUp") setActive((i) => Math.max(i - 8, 0));
    else if (event.key === "Enter") {
      const option = options[active];
      if (option) onSelect(option);
    } else if (event.key === "Escape") onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const activeOption = options[active];
  return (
    <div className="combobox">
      <input
        // biome-ignore lint/a11y/noAutofocus: the combobox opens on purpose, the user types next
        autoFocus
        className="input combobox-input"
        role="combobox"
        aria-label={props.label}
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeOption ? `${listId}-${active}` : undefined}
        placeholder={props.placeholder ?? "Search…"}
        value={props.query}
        onChange={(event) => props.onQueryChange(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div ref={listRef} id={listId} role="listbox" aria-label={props.label} className="listbox">
        {options.map((option, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard is handled by the combobox input
          <div
            key={option.id}
            id={`${listId}-${index}`}
            data-index={index}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            className={`option option-${option.tone ?? "default"}${index === active ? " is-active" : ""}${
              option.id === props.selectedId ? " is-current" : ""
            }`}
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => setActive(index)}
            onClick={() => onSelect(option)}
          >
            <span className="option-label">{option.label}</span>
            {option.hint && <span className="option-hint">{option.hint}</span>}
          </div>
        ))}
      </div>
      {props.isLoading && (
        <div className="combobox-note" role="status">
          Loading…
        </div>
      )}
      {props.error != null && (
        <div className="combobox-note combobox-error" role="alert">
          {errorMessage(props.error)}
        </div>
      )}
      {!props.isLoading && props.error == null && options.length === 0 && (
        <div className="combobox-note">No matches</div>
      )}
      {props.footer && <div className="combobox-note">{props.footer}</div>}
    </div>
  );
}
