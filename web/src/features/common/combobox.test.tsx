// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Combobox, type ComboboxOption } from "./combobox.tsx";

afterEach(cleanup);

function renderCombobox(options: ComboboxOption<string>[]) {
  const onSelect = vi.fn();
  render(
    <Combobox
      label="Targets"
      query=""
      onQueryChange={() => {}}
      options={options}
      onSelect={onSelect}
      onClose={() => {}}
    />,
  );
  return { onSelect, input: screen.getByRole("combobox", { name: "Targets" }) };
}

/** Issue 13 point 2: Enter chooses only a pre-selected option or one the person moved to. */
describe("Combobox", () => {
  it("Enter does nothing when no option is pre-selected; ArrowDown then Enter chooses the first", () => {
    const { onSelect, input } = renderCombobox([
      { id: "a", label: "Brookside Capital" },
      { id: "b", label: "Capital Dental" },
    ]);
    expect(input.getAttribute("aria-activedescendant")).toBeNull();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSelect).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: "a" }));
  });

  it("Enter chooses the pre-selected option (an exact match), not the first", () => {
    const { onSelect, input } = renderCombobox([
      { id: "none", label: "None" },
      { id: "exact", label: "Acme Foods Clinic", preselect: true },
    ]);
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: "exact" }));
  });
});
