import { type RefObject, useEffect } from "react";

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A non-modal dialog in a popover (issue 13 point 15): on open, focus moves into it; Tab and
 * Shift+Tab cycle inside it; Escape calls `onEscape` wherever focus is inside (the caller returns
 * focus to the button that opened it).
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, onEscape: () => void) {
  useEffect(() => {
    const container = ref.current;
    if (!container) return;
    const focusables = () => [...container.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (!container.contains(document.activeElement)) (focusables()[0] ?? container).focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onEscape();
        return;
      }
      if (event.key !== "Tab") return;
      const items = focusables();
      if (items.length === 0) return;
      const first = items[0] as HTMLElement;
      const last = items.at(-1) as HTMLElement;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !container.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !container.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    };
    container.addEventListener("keydown", onKeyDown);
    return () => container.removeEventListener("keydown", onKeyDown);
  }, [ref, onEscape]);
}
