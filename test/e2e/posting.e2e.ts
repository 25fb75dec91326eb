import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../vendors/autotask.server.ts";
import type { AutotaskAdjustmentsData } from "../vendors/autotask-adjustments.server.ts";
import type { VendorServer } from "../vendors/vendor-server.ts";
import {
  ADMIN,
  api,
  type E2eSession,
  login,
  openBrowser,
  screenshot,
  VIEWER,
} from "./support/e2e-browser.ts";

/**
 * Posting (issue 10) in the browser: an admin previews a module's differences with the money,
 * posts them to an emulated Autotask holding the demo's contracts, decides a held decrease and reads
 * the activity log; a viewer sees the same page and cannot post or decide. The demo's PSA
 * connection (a file) is switched to the emulator for this file and put back afterwards.
 */
interface DemoContracts {
  services: { psaId: string; name: string; unitPrice: string | null }[];
  contracts: { psaId: string; organizationPsaId: string; name: string; startDate: string; endDate: string }[];
  contractServices: {
    psaId: string;
    contractPsaId: string;
    servicePsaId: string;
    unitPrice: string | null;
  }[];
  contractServiceUnits: {
    psaId: string;
    contractPsaId: string;
    contractServicePsaId: string;
    servicePsaId: string;
    startDate: string;
    endDate: string;
    units: number;
    approveAndPostDate: string | null;
  }[];
}

/** The demo's contracts file as the emulated Autotask serves it (numeric ids, ISO date-times). */
function emulated(demo: DemoContracts): AutotaskAdjustmentsData {
  const price = (value: string | null) => (value === null ? null : Number(value));
  const at = (day: string | null) => (day === null ? null : `${day.slice(0, 10)}T00:00:00Z`);
  return {
    services: demo.services.map((s) => ({
      id: Number(s.psaId),
      name: s.name,
      unitPrice: price(s.unitPrice),
      isActive: true,
    })),
    contracts: demo.contracts.map((c) => ({
      id: Number(c.psaId),
      companyID: Number(c.organizationPsaId),
      contractName: c.name,
      contractType: 7,
      status: 1,
      startDate: at(c.startDate),
      endDate: at(c.endDate),
    })),
    contractServices: demo.contractServices.map((c) => ({
      id: Number(c.psaId),
      contractID: Number(c.contractPsaId),
      serviceID: Number(c.servicePsaId),
      unitPrice: price(c.unitPrice),
    })),
    contractServiceUnits: demo.contractServiceUnits.map((u) => ({
      id: Number(u.psaId),
      contractID: Number(u.contractPsaId),
      contractServiceID: Number(u.contractServicePsaId),
      serviceID: Number(u.servicePsaId),
      startDate: at(u.startDate),
      endDate: at(u.endDate),
      units: u.units,
      approveAndPostDate: at(u.approveAndPostDate),
    })),
  };
}

interface PsaView {
  connector: { kind: string; settings: Record<string, unknown> } | null;
}
interface Summary {
  moduleKey: string;
  lines: { action: string }[];
  counts: Record<string, number>;
}

let s: E2eSession;
let server: VendorServer;
let data: AutotaskAdjustmentsData;
let demoPsa: PsaView["connector"];
let moduleKey = "";
let approvalShare = 50;

beforeAll(async () => {
  const dataDir = process.env.ORGMAP_E2E_DATA_DIR ?? "";
  const demo = JSON.parse(
    readFileSync(join(dataDir, "import", "demo", "psa-contracts.json"), "utf8"),
  ) as DemoContracts;
  data = emulated(demo);
  server = await startAutotaskServer({ contracts: data });
  s = await openBrowser();
  await login(s.page, ADMIN, "/posting");
  demoPsa = (await api<PsaView>(s.page, "GET", "/psa")).data.connector;
  approvalShare = (await api<{ approvalSharePercent: number }>(s.page, "GET", "/posting/config")).data
    .approvalSharePercent;
  const patched = await api(s.page, "PATCH", "/psa", {
    connector: {
      kind: "autotask",
      settings: { baseUrl: server.url, requestTimeoutMs: 10_000, maxAttempts: 3 },
      secrets: AUTOTASK_TEST_CREDENTIALS,
    },
  });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  if (s && demoPsa) {
    if (moduleKey) await api(s.page, "PUT", `/posting/switches/${moduleKey}`, { enabled: false });
    await api(s.page, "PATCH", "/posting/config", { approvalSharePercent: approvalShare });
    await api(s.page, "PATCH", "/psa", { connector: { kind: demoPsa.kind, settings: demoPsa.settings } });
  }
  await s?.close();
  await server?.close();
});

test("an admin previews with the money, posts, decides a held decrease and reads the activity log", async () => {
  const { page } = s;
  await page.getByRole("heading", { name: "Posting", level: 1 }).waitFor();
  // The first module whose preview has something to post (read through the API: the page shows one at a time).
  const switches = (await api<{ items: { moduleKey: string }[] }>(page, "GET", "/posting/switches")).data
    .items;
  for (const { moduleKey: key } of switches) {
    const preview = await api<Summary>(page, "GET", `/posting/${key}/preview`);
    if (preview.status === 200 && preview.data.lines.some((l) => l.action === "post")) {
      moduleKey = key;
      break;
    }
  }
  expect(moduleKey).not.toBe("");
  const share = await api(page, "PATCH", "/posting/config", { approvalSharePercent: 2 });
  expect(share.status).toBe(200);
  const requestsBefore = server.requests.length;
  await page.getByRole("combobox", { name: "Module" }).selectOption(moduleKey);
  const postNow = page.getByRole("button", { name: "Post now" });
  // Posting is off: "Post now" waits for the switch.
  expect(await postNow.isDisabled()).toBe(true);
  // The switch shows what the server says: it turns on once the change is saved.
  const toggle = page.getByRole("checkbox", { name: `Posting for ${moduleKey}` });
  await toggle.click();
  await expect.poll(() => toggle.isChecked(), { timeout: 10_000 }).toBe(true);
  await page.getByRole("button", { name: "Preview" }).click();
  const summary = page.getByTestId("posting-summary");
  await summary.getByText(`${moduleKey}, `).first().waitFor();
  await summary.getByText(/^post: \d+ rows, \d+ units, /).waitFor();
  expect(await summary.locator("tbody tr").count()).toBeGreaterThan(0);
  // A preview reads the PSA and writes nothing.
  expect(
    server.requests.slice(requestsBefore).every((r) => !r.path.endsWith("/ContractServiceAdjustments")),
  ).toBe(true);
  await screenshot(page, "posting-preview");

  await postNow.click();
  await page.getByText(/^Posted: \d+, held \d+, failed \d+/).waitFor({ timeout: 60_000 });
  const firstRun = (data.contractServiceAdjustments ?? []).length;
  expect(firstRun).toBeGreaterThan(0);
  // The activity log: a row per organization and service; failed rows come first on a day.
  const posted = await api<{ total: number }>(
    page,
    "GET",
    `/activity-log?moduleKey=${moduleKey}&outcome=posted`,
  );
  expect(posted.data.total).toBeGreaterThan(0);
  const log = page.getByTestId("activity-log");
  await log.locator("tbody tr").first().waitFor();
  await log.scrollIntoViewIfNeeded();
  await screenshot(page, "posting-activity-log");
  // "Only failed" narrows it to failed rows, each with its reason in words.
  await page.getByRole("checkbox", { name: "Only failed" }).click();
  await expect
    .poll(async () =>
      (await log.locator("tbody tr td:nth-child(7)").allTextContents()).every((t) => t === "failed"),
    )
    .toBe(true);

  // Decreases by more than 2% were held (the share was lowered for this file): an admin decides.
  const approvals = page.getByRole("region", { name: "Approvals" });
  const held = approvals.locator("tbody tr");
  await held.first().waitFor();
  const heldBefore = await held.count();
  expect(heldBefore).toBeGreaterThan(0);
  await approvals.scrollIntoViewIfNeeded();
  await screenshot(page, "posting-approvals");
  await approvals.getByRole("button", { name: "Approve" }).first().click();
  await expect.poll(() => held.count(), { timeout: 10_000 }).toBe(heldBefore - 1);
  if (heldBefore > 1) {
    await approvals.getByRole("button", { name: "Reject" }).first().click();
    await expect.poll(() => held.count(), { timeout: 10_000 }).toBe(heldBefore - 2);
  }
  // The next run posts the approved decrease, once; the rejected one stays held; nothing else moves.
  const rerun = await api<Summary>(page, "POST", `/posting/${moduleKey}/runs`, {});
  expect(rerun.status).toBe(200);
  expect(rerun.data.counts.posted).toBe(1);
  expect((data.contractServiceAdjustments ?? []).length).toBe(firstRun + 1);
  const again = await api<Summary>(page, "POST", `/posting/${moduleKey}/runs`, {});
  expect(again.data.counts.posted).toBe(0);
  expect((data.contractServiceAdjustments ?? []).length).toBe(firstRun + 1);
  expect(s.problems).toEqual([]);
});

test("a viewer sees the preview, approvals and activity log but cannot post or decide", async () => {
  const viewer = await openBrowser();
  try {
    const { page } = viewer;
    await login(page, VIEWER, "/posting");
    await page.getByRole("heading", { name: "Posting", level: 1 }).waitFor();
    await page.getByRole("region", { name: "Activity log" }).getByTestId("activity-log").waitFor();
    await page.getByRole("heading", { name: "Held for approval" }).waitFor();
    expect(await page.getByRole("button", { name: "Post now" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
    const toggle = page.getByRole("checkbox", { name: `Posting for ${moduleKey}` });
    expect(await toggle.isDisabled()).toBe(true);
    await page.getByRole("combobox", { name: "Module" }).selectOption(moduleKey);
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByTestId("posting-summary").waitFor();
    await screenshot(page, "posting-viewer");
    // A posting.failed alert's link opens the activity log filtered to failed rows (issue 14).
    await page.goto("/posting?onlyFailed=true#activity-log");
    const onlyFailed = page.getByRole("checkbox", { name: "Only failed" });
    await onlyFailed.waitFor();
    expect(await onlyFailed.isChecked()).toBe(true);
    const post = await api(page, "POST", `/posting/${moduleKey}/runs`, {});
    expect(post.status).toBe(403);
    const turnOff = await api(page, "PUT", `/posting/switches/${moduleKey}`, { enabled: false });
    expect(turnOff.status).toBe(403);
    expect(viewer.problems).toEqual([]);
  } finally {
    await viewer.close();
  }
});
