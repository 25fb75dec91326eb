// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Field, TextField } from "./field.tsx";

afterEach(cleanup);

describe("Field and TextField", () => {
  it("label the control, and tie help text and an error to it", () => {
    render(<TextField label="Username" help="Letters and digits." error="Taken." defaultValue="ann" />);
    const input = screen.getByLabelText("Username");
    expect(input.tagName).toBe("INPUT");
    expect(input.className).toBe("input");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ");
    expect(described.map((id) => document.getElementById(id)?.textContent)).toEqual([
      "Letters and digits.",
      "Taken.",
    ]);
    expect(screen.getByRole("alert").textContent).toBe("Taken.");
  });

  it("without help or error the control is described by nothing and is not invalid", () => {
    render(
      <Field label="Role">
        {(control) => (
          <select className="input" {...control}>
            <option>viewer</option>
          </select>
        )}
      </Field>,
    );
    const select = screen.getByLabelText("Role");
    expect(select.tagName).toBe("SELECT");
    expect(select.hasAttribute("aria-describedby")).toBe(false);
    expect(select.hasAttribute("aria-invalid")).toBe(false);
  });
});
