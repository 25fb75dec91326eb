// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiClient } from "../../api/api-client.ts";
import { ApiProvider } from "../../api/api-context.tsx";
import type { Suggestion } from "../../api/api-types.ts";
import { SETTINGS_KEY } from "../auth/session-hooks.ts";
import { testRouter } from "../shell/test-router.tsx";
import { SuggestionItem, strengthOf } from "./suggestion-item.tsx";

afterEach(cleanup);

async function renderItem(item: Suggestion) {
  const { wrap } = await testRouter();
  const queryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY } },
  });
  queryClient.setQueryData(SETTINGS_KEY, { organizationTerm: "Client Company" });
  const api = { request: () => new Promise(() => {}) } as unknown as ApiClient;
  render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        {wrap(
          <ul>
            <SuggestionItem item={item} canEdit isBusy={false} onAccept={() => {}} onReject={() => {}} />
          </ul>,
        )}
      </ApiProvider>
    </QueryClientProvider>,
  );
}

const candidate = (name: string, score: number, accept: boolean, reasons: string[] = []) => ({
  organizationId: name,
  organizationName: name,
  score,
  accept,
  reasons,
});

/** Issue 13 point 13: the suggestions page's hierarchy. */
describe("SuggestionItem", () => {
  it("a weak best candidate is labelled Weak and its Accept is not the page's call to action", async () => {
    await renderItem({
      moduleOrganizationId: "mo-1",
      moduleOrganizationName: "Acme NY",
      moduleKey: "rmm",
      candidates: [candidate("Acme Capital", 0.48, false), candidate("Acme Foods", 0.41, false)],
    });
    const accept = screen.getByRole("button", { name: "Accept Acme Capital for Acme NY" });
    expect(accept.className).not.toContain("btn-primary");
    const best = document.querySelector('[data-organization-id="Acme Capital"]') as HTMLElement;
    expect(best.getAttribute("data-strength")).toBe("weak");
    expect(within(best).getByText("Weak").className).toContain("badge-muted");
    expect(screen.queryByText("best guess")).toBeNull();
  });

  it("a confident one has the one primary Accept; the others fold away; reasons once and in the term", async () => {
    await renderItem({
      moduleOrganizationId: "mo-2",
      moduleOrganizationName: "Globex Inc",
      moduleKey: "rmm",
      candidates: [
        candidate("Globex", 0.96, true, [
          "same name once 'Inc' is removed",
          "same name once 'Inc' is removed",
          "IT Glue's 'Globex' is already mapped to this organization",
        ]),
        candidate("Globex Foods", 0.7, false),
        candidate("Global Exports", 0.45, false),
      ],
    });
    const primaries = document.querySelectorAll(".btn-primary");
    expect(primaries).toHaveLength(1);
    expect(primaries[0]?.getAttribute("aria-label")).toBe("Accept Globex for Globex Inc");
    const best = document.querySelector('[data-organization-id="Globex"]') as HTMLElement;
    expect(
      within(best)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "same name once 'Inc' is removed",
      "IT Glue's 'Globex' is already mapped to this client company",
    ]);
    const folded = document.querySelector("details.other-candidates") as HTMLDetailsElement;
    expect(folded.open).toBe(false);
    expect(folded.querySelector("summary")?.textContent).toBe("2 other candidates");
    expect(
      [...folded.querySelectorAll("[data-strength]")].map((el) => el.getAttribute("data-strength")),
    ).toEqual(["likely", "weak"]);
  });

  it("strengths: the server's accept flag is Confident; below 60% is Weak; between is Check", () => {
    expect(strengthOf({ accept: true, score: 0.9 })).toBe("confident");
    expect(strengthOf({ accept: false, score: 0.75 })).toBe("likely");
    expect(strengthOf({ accept: false, score: 0.59 })).toBe("weak");
  });
});
