import { afterAll, beforeAll, expect, test } from "vitest";
import {
  ADMIN,
  api,
  type E2eSession,
  eventually,
  login,
  openBrowser,
  screenshot,
} from "./support/e2e-browser.ts";

interface Candidate {
  organizationId: string;
  organizationName: string;
  score: number;
  accept: boolean;
  reasons: string[];
}
interface Item {
  moduleOrganizationId: string;
  moduleOrganizationName: string;
  candidates: Candidate[];
}
type Page = E2eSession["page"];

let s: E2eSession;
beforeAll(async () => {
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => s?.close());

/** Every suggestion of a module, all pages, as the server lists them. */
async function allSuggestions(page: Page, moduleKey: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `moduleKey=${moduleKey}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const { status, data } = await api<{ items: Item[]; nextCursor: string | null }>(
      page,
      "GET",
      `/suggestions?${query}`,
    );
    expect(status).toBe(200);
    items.push(...data.items);
    cursor = data.nextCursor;
  } while (cursor);
  return items;
}

const confident = (items: Item[]) => items.filter((item) => item.candidates[0]?.accept === true);

/** The ready module with the fewest confident suggestions (one at least) and three suggestions or more. */
async function pickModule(page: Page) {
  const { data } = await api<{ items: { key: string; name: string; state: string }[] }>(
    page,
    "GET",
    "/modules",
  );
  let best: { key: string; name: string; items: Item[] } | null = null;
  for (const module of data.items.filter((m) => m.state === "ready")) {
    const items = await allSuggestions(page, module.key);
    const n = confident(items).length;
    if (n > 0 && items.length >= 3 && (!best || n < confident(best.items).length))
      best = { key: module.key, name: module.name, items };
  }
  if (!best) throw new Error("the demo has no module with three suggestions, one of them confident");
  return best;
}

async function mappedTo(page: Page, moduleOrganizationId: string): Promise<string | null> {
  const { data } = await api<{ mapping: { organizationId: string } | null }>(
    page,
    "GET",
    `/module-organizations/${encodeURIComponent(moduleOrganizationId)}`,
  );
  return data.mapping?.organizationId ?? null;
}

test("review suggestions: accept one, reject one, accept all confident after a confirmation with the count", async () => {
  const { page } = s;
  const module = await pickModule(page);
  // Reached from the summary bar of the mapping page (its counts per module fold out).
  const toggle = page.getByTestId("summary-bar").getByRole("button", { name: /the \d+ modules?$/ });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await page.getByRole("link", { name: `Review suggestions for ${module.name}` }).click();
  await page.getByRole("heading", { name: `Review suggestions — ${module.name}` }).waitFor();
  const list = page.getByTestId("suggestion-list");
  await list.locator("li.suggestion").first().waitFor();
  // Scores as percentages and reasons in words.
  const first = list.locator("li.suggestion").first();
  expect(await first.locator(".score").first().textContent()).toMatch(/^\d{1,3}%$/);
  expect((await first.locator(".reasons li").first().textContent())?.length ?? 0).toBeGreaterThan(3);
  await screenshot(page, "review-suggestions");

  // Accept one (a non-confident one when there is one, so that "accept all" still has work).
  const toAccept = module.items.find((item) => !item.candidates[0]?.accept) ?? module.items[0];
  const acceptTarget = toAccept?.candidates[0];
  if (!toAccept || !acceptTarget) throw new Error("no suggestion to accept");
  const acceptedRow = list.locator(
    `li.suggestion[data-module-organization-id="${toAccept.moduleOrganizationId}"]`,
  );
  await acceptedRow.waitFor();
  await acceptedRow
    .getByRole("button", {
      name: `Accept ${acceptTarget.organizationName} for ${toAccept.moduleOrganizationName}`,
    })
    .click();
  await acceptedRow.waitFor({ state: "detached" });
  expect(
    await eventually(
      async () => (await mappedTo(page, toAccept.moduleOrganizationId)) === acceptTarget.organizationId,
    ),
  ).toBe(true);

  // Reject one: that candidate disappears and is never proposed again for that record.
  const rest = module.items.filter((item) => item.moduleOrganizationId !== toAccept.moduleOrganizationId);
  const toReject = rest.find((item) => !item.candidates[0]?.accept) ?? rest.at(-1);
  const rejectTarget = toReject?.candidates[0];
  if (!toReject || !rejectTarget) throw new Error("no suggestion to reject");
  const rejectedRow = list.locator(
    `li.suggestion[data-module-organization-id="${toReject.moduleOrganizationId}"]`,
  );
  await rejectedRow.waitFor();
  const candidate = rejectedRow.locator(
    `li.candidate[data-organization-id="${rejectTarget.organizationId}"]`,
  );
  await rejectedRow
    .getByRole("button", {
      name: `Reject ${rejectTarget.organizationName} for ${toReject.moduleOrganizationName}`,
    })
    .click();
  await candidate.waitFor({ state: "detached" });
  const again = await api<{ items: Item[] }>(
    page,
    "GET",
    `/suggestions?moduleOrganizationId=${encodeURIComponent(toReject.moduleOrganizationId)}`,
  );
  expect(again.data.items[0]?.candidates.map((c) => c.organizationId)).not.toContain(
    rejectTarget.organizationId,
  );

  // Accept all confident: the confirmation says how many, and that many are applied.
  const expected = confident(await allSuggestions(page, module.key));
  expect(expected.length).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Accept all confident" }).click();
  const dialog = page.getByRole("dialog", { name: "Accept all confident suggestions?" });
  await dialog.waitFor();
  const text = (await dialog.getByTestId("accept-all-count").textContent()) ?? "";
  expect(text).toContain(`${expected.length} confident suggestion${expected.length === 1 ? "" : "s"}`);
  await screenshot(page, "review-suggestions-accept-all");
  const accepted = page.waitForResponse((r) => r.url().endsWith("/api/v1/suggestions/accept"));
  await dialog.getByRole("button", { name: `Accept ${expected.length}` }).click();
  const answer = (await (await accepted).json()) as { applied: number };
  expect(answer.applied).toBe(expected.length);
  await page.getByText(`Applied ${expected.length} suggestion`).first().waitFor();
  for (const item of expected) {
    expect(await mappedTo(page, item.moduleOrganizationId)).toBe(item.candidates[0]?.organizationId);
    await list
      .locator(`li.suggestion[data-module-organization-id="${item.moduleOrganizationId}"]`)
      .waitFor({ state: "detached" });
  }
  // Accepted mappings are new evidence, so other records may become confident now; the applied ones are gone.
  const applied = new Set(expected.map((item) => item.moduleOrganizationId));
  const left = (await allSuggestions(page, module.key)).filter((item) =>
    applied.has(item.moduleOrganizationId),
  );
  expect(left).toEqual([]);
  await screenshot(page, "review-suggestions-after-accept-all");
  expect(s.problems).toEqual([]);
});
