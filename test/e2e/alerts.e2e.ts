import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ADMIN, api, type E2eSession, login, openBrowser, screenshot } from "./support/e2e-browser.ts";

/** A webhook receiver on loopback, started by this test (the webhook allows a private address). */
let receiver: Server;
const received: { id: string; type: string; signature: string | undefined }[] = [];
let s: E2eSession;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const event = JSON.parse(body) as { id: string; type: string };
      received.push({
        id: event.id,
        type: event.type,
        signature: req.headers["x-orgmap-signature"] as string,
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  s = await openBrowser();
  await login(s.page, ADMIN);
});
afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

test("an admin adds a webhook, sees its secret once, sends a test and finds it in the delivery log", async () => {
  const { page } = s;
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const name = `e2e receiver ${Date.now()}`;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await page.getByRole("heading", { name: "Alerts", exact: true }).waitFor();
  await page.getByRole("button", { name: "Add webhook" }).click();
  const form = page.getByRole("form", { name: "Webhook" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("URL").fill(url);
  await form.getByLabel("Format").selectOption("json");

  // Loopback is refused unless the admin allows it for this webhook.
  await form.getByRole("button", { name: "Add webhook" }).click();
  await form
    .getByRole("alert")
    .filter({ hasText: /private or loopback/ })
    .waitFor();
  await form.getByLabel(/Allow a private or loopback address/).check();
  await form.getByRole("button", { name: "Add webhook" }).click();

  const secret = await page.getByTestId("webhook-secret").textContent();
  expect(secret?.length).toBeGreaterThan(20);
  const card = page.getByRole("region", { name });
  await card.getByRole("button", { name: "Send test" }).click();
  await card.getByTestId("test-result").filter({ hasText: "Test delivered — HTTP 200" }).waitFor();
  expect(received.at(-1)).toMatchObject({
    type: "alerts.test",
    signature: expect.stringMatching(/^sha256=/),
  });

  await card.getByText("Delivery log").click();
  const row = card
    .getByRole("table", { name: "Delivery log" })
    .locator(`tr[data-event-id="${received.at(-1)?.id}"]`);
  await row.waitFor();
  expect(await row.locator("td").allTextContents()).toEqual([
    expect.any(String),
    "alerts.test",
    "delivered",
    "1",
    "200",
    expect.stringMatching(/^\d+ ms$/),
    "—",
    "",
  ]);
  await screenshot(page, "alerts-webhook-delivery-log");

  // The secret is not shown again: after a reload only "has a secret" remains on the server side.
  await page.reload();
  await card.waitFor();
  expect(await page.getByTestId("webhook-secret").count()).toBe(0);
  const list = await api<{ items: { id: string; name: string }[] }>(page, "GET", "/alert-channels");
  expect(JSON.stringify(list.data)).not.toContain(secret);

  // Remove it (the e2e server is shared), with its confirmation.
  await card.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await card.waitFor({ state: "detached" });
  expect(s.problems).toEqual([]);
});

test("a user picks alerts: an address, the digest hour, and each event immediately or in the digest", async () => {
  const { page } = s;
  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "My alerts" }).click();
  await page.getByRole("heading", { name: "My alerts" }).waitFor();
  await page.getByLabel("Send my alerts to").fill("admin@example.test");
  await page.getByLabel("Daily digest at").selectOption("7");
  await page.getByLabel("A sync failed").selectOption("immediate");
  await page.getByLabel("New unmapped module organizations after a sync").selectOption("digest");
  await page.getByRole("button", { name: "Save my alerts" }).click();
  await page.getByText("Alerts saved").waitFor();

  await page.reload();
  await page.getByRole("heading", { name: "My alerts" }).waitFor();
  await page.getByRole("cell", { name: "A sync failed" }).waitFor();
  expect(await page.getByLabel("Send my alerts to").inputValue()).toBe("admin@example.test");
  expect(await page.getByLabel("Daily digest at").inputValue()).toBe("7");
  expect(await page.getByLabel("A sync failed").inputValue()).toBe("immediate");
  expect(await page.getByLabel("New unmapped module organizations after a sync").inputValue()).toBe("digest");
  await screenshot(page, "alerts-my-subscriptions");
  const saved = await api<{ subscriptions: unknown[] }>(page, "GET", "/me/alert-subscriptions");
  expect(saved.data.subscriptions).toEqual(
    expect.arrayContaining([
      { eventType: "sync.failed", mode: "immediate" },
      { eventType: "module_organizations.new_unmapped", mode: "digest" },
    ]),
  );
  expect(s.problems).toEqual([]);
});
