import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const BASE_URL = process.env.ORGMAP_E2E_URL ?? "http://127.0.0.1:3000";
export const ADMIN = { username: "admin", password: process.env.ORGMAP_E2E_ADMIN_PASSWORD ?? "" };
export const VIEWER = { username: "v", password: process.env.ORGMAP_E2E_VIEWER_PASSWORD ?? "" };
const RESULTS = join(import.meta.dirname, "../../../test-results");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface E2eSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Page errors and JavaScript dialogs seen so far (an XSS would show up here). */
  problems: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile (Playwright's own temporary user-data-dir). */
export async function openBrowser(
  options: { viewport?: { width: number; height: number }; baseURL?: string } = {},
): Promise<E2eSession> {
  const { viewport = { width: 1440, height: 900 }, baseURL = BASE_URL } = options;
  const browser = await chromium.launch({
    executablePath: process.env.ORGMAP_E2E_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport, baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { browser, context, page, problems, close: () => browser.close() };
}

export async function login(page: Page, user: { username: string; password: string }, at = "/mapping") {
  // The first page after sign-in is the dashboard; most tests start on the mapping page.
  await page.goto(at);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor();
}

/** Saves test-results/<name>.png (one per test, looked at by people reviewing the run). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: false });
}

/** Calls the API with the page's session cookie and CSRF token, as the web app does. */
export async function api<T = unknown>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = await fetch("/api/v1/session").then((r) => r.json());
      const response = await fetch(`/api/v1${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          "X-CSRF-Token": session.csrfToken ?? "",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, data: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  ) as Promise<{ status: number; data: T }>;
}

/** Polls until `check` returns a truthy value (for counts updated after a write). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await check();
  }
  return last;
}
