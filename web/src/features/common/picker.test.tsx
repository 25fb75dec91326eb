// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ComboboxOption } from "./combobox.tsx";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { type OptionsResult, Picker } from "./picker.tsx";

afterEach(cleanup);

const OPTIONS: ComboboxOption<string>[] = [
  { id: "a", label: "Brookside Capital" },
  { id: "b", label: "Capital Dental" },
];
function useOptions(): OptionsResult<string> {
  return { options: OPTIONS, isLoading: false, error: null };
}

function renderPicker() {
  const onSelect = vi.fn();
  render(
    <>
      <Picker
        ariaLabel="Target for Acme"
        comboLabel="Targets"
        useOptions={useOptions}
        optionsArgs={{}}
        onSelect={onSelect}
      >
        Acme
      </Picker>
      <button type="button">After</button>
    </>,
  );
  const button = screen.getByRole("button", { name: "Target for Acme" });
  act(() => button.click());
  return { onSelect, button, input: screen.getByRole("combobox", { name: "Targets" }) };
}

/** Issue 13: a popover does not let focus wander off while it stays open (WAI-ARIA combobox pattern). */
describe("Picker focus", () => {
  it("opens with focus in the search field", () => {
    const { button, input } = renderPicker();
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(document.activeElement).toBe(input);
  });

  it("Tab closes the popup without choosing and puts focus back on the button", () => {
    const { onSelect, button, input } = renderPicker();
    fireEvent.keyDown(input, { key: "ArrowDown" });
    const tab = fireEvent.keyDown(input, { key: "Tab" });
    // The browser's Tab is stopped (fireEvent returns false when the default was prevented).
    expect(tab).toBe(false);
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(button);
    expect(onSelect).not.toHaveBeenCalled();
  });

  it("Shift+Tab closes the popup too and returns focus to the button", () => {
    const { button, input } = renderPicker();
    fireEvent.keyDown(input, { key: "Tab", shiftKey: true });
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("Escape closes and returns focus to the button", () => {
    const { button, input } = renderPicker();
    fireEvent.keyDown(input, { key: "Escape" });
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("a choice closes, returns focus to the button and reports the option", () => {
    const { onSelect, button, input } = renderPicker();
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: "a" }));
    expect(screen.queryByRole("combobox")).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});

describe("ConfirmDialog focus", () => {
  it("takes focus on its confirm button and gives it back to the opener when it closes", () => {
    // happy-dom has no showModal; the browser's modal <dialog> makes the rest of the page inert.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    render(
      <button type="button" data-testid="opener">
        Undo
      </button>,
    );
    const opener = screen.getByTestId("opener");
    opener.focus();
    const view = render(
      <ConfirmDialog title="Undo this change?" confirmLabel="Undo" onConfirm={() => {}} onCancel={() => {}}>
        It puts the cell back.
      </ConfirmDialog>,
    );
    expect(document.activeElement?.textContent).toBe("Undo");
    expect(document.activeElement).not.toBe(opener);
    view.unmount();
    expect(document.activeElement).toBe(opener);
  });
});
