import type { Page } from "playwright-core";

/** What the grid's network traffic added up to (GET /api/v1/mapping-grid). */
export interface GridTraffic {
  /** Answers received. */
  requests: number;
  /** Requests sent, including those cancelled before their answer (a block that left the window). */
  requestsSent: number;
  requestsCancelled: number;
  rowsFetched: number;
  maxRowsPerResponse: number;
  /** Distinct row offsets asked for (blocks of 100 rows). */
  distinctBlocks: number;
  /** Requests after the first block that still asked for the total (should be 0). */
  laterPagesWithTotal: number;
}

/** Counts every /mapping-grid request and answer from now on; `read()` gives the sums so far. */
export function watchGridTraffic(page: Page): { read(): GridTraffic; reset(): void } {
  const empty = (): GridTraffic => ({
    requests: 0,
    requestsSent: 0,
    requestsCancelled: 0,
    rowsFetched: 0,
    maxRowsPerResponse: 0,
    distinctBlocks: 0,
    laterPagesWithTotal: 0,
  });
  let traffic = empty();
  let offsets = new Set<string>();
  const isGridGet = (url: URL, method: string) => url.pathname === "/api/v1/mapping-grid" && method === "GET";
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!isGridGet(url, request.method())) return;
    traffic.requestsSent++;
    const laterPage = url.searchParams.get("cursor") || Number(url.searchParams.get("offset") ?? 0) > 0;
    if (laterPage && url.searchParams.get("withTotal") !== "false") traffic.laterPagesWithTotal++;
  });
  page.on("requestfailed", (request) => {
    if (isGridGet(new URL(request.url()), request.method())) traffic.requestsCancelled++;
  });
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (!isGridGet(url, response.request().method())) return;
    void response
      .json()
      .then((body: { items?: unknown[] }) => {
        const n = body.items?.length ?? 0;
        traffic.requests++;
        traffic.rowsFetched += n;
        traffic.maxRowsPerResponse = Math.max(traffic.maxRowsPerResponse, n);
        offsets.add(`${url.searchParams.get("offset") ?? url.searchParams.get("cursor") ?? 0}`);
        traffic.distinctBlocks = offsets.size;
      })
      .catch(() => undefined);
  });
  return {
    read: () => ({ ...traffic }),
    reset: () => {
      traffic = empty();
      offsets = new Set();
    },
  };
}

/** Records, from the first byte of each document, when the first grid rows are in the DOM. */
export async function installFirstRowsProbe(page: Page): Promise<void> {
  // tsx (esbuild keepNames) wraps named inner functions in __name(); give the page a no-op one.
  await page.addInitScript("globalThis.__name = globalThis.__name || ((f) => f);");
  await page.addInitScript(() => {
    const w = window as unknown as { __firstRowsAt?: number };
    const check = () => {
      if (w.__firstRowsAt === undefined && document.querySelector("tr[data-organization-id]")) {
        w.__firstRowsAt = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true });
  });
}

/**
 * Navigates to the mapping page and answers the time from navigation start (performance.timeOrigin)
 * to the first rows of the grid in the DOM, painted in the next frame.
 */
export async function timeFirstRows(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.locator("tr[data-organization-id]").first().waitFor({ timeout: 30_000 });
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() => {
          const at = (window as unknown as { __firstRowsAt?: number }).__firstRowsAt;
          resolve(at ?? performance.now());
        }),
      ),
  );
}

/** Frame times and DOM rows of one scripted scroll. */
export interface ScrollRun {
  reached: boolean;
  targetRow: number;
  frameDeltasMs: number[];
  maxDomRows: number;
  finalDomRows: number;
  /** Frames in which some row in view (below the header) was still a placeholder. */
  framesWithPlaceholders: number;
  wallMs: number;
  /** From the last scroll step until the target row's cells were rendered (jump only). */
  rowRenderedMs: number;
}

/**
 * Jumps to row `targetRow` (1-based) as a scrollbar drag does: the grid's scrollTop moves from where it
 * is to the target in `steps` equal steps, one per animation frame; then it waits, frame by frame,
 * until that row's cells (a `tr[data-organization-id]` with aria-rowindex = target + 1) are rendered.
 * Every requestAnimationFrame delta is recorded, and the <tr> count in the grid body per frame.
 */
export async function jumpToRow(page: Page, targetRow: number, steps = 20): Promise<ScrollRun> {
  return page.evaluate(
    ({ targetRow, steps }) =>
      new Promise<ScrollRun>((resolve) => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="organization-grid"]');
        if (!scroller) throw new Error("no grid");
        const rowHeight = scroller.querySelector<HTMLElement>("tr[data-organization-id]")?.offsetHeight || 36;
        const bottom = scroller.scrollHeight - scroller.clientHeight;
        const from = scroller.scrollTop;
        const to = Math.min(bottom, Math.max(0, (targetRow - 1) * rowHeight - scroller.clientHeight / 2));
        // A placeholder row (block not loaded yet) inside the visible part of the grid.
        const placeholderInView = (grid: HTMLElement) => {
          const view = grid.getBoundingClientRect();
          return Array.from(grid.querySelectorAll("tr.grid-placeholder")).some((tr) => {
            const box = tr.getBoundingClientRect();
            return box.bottom > view.top + 36 && box.top < view.bottom;
          });
        };
        const deltas: number[] = [];
        let maxDomRows = 0;
        let framesWithPlaceholders = 0;
        let step = 0;
        let last = 0;
        let lastStepAt = 0;
        const started = performance.now();
        const selector = `tr[data-organization-id][aria-rowindex="${targetRow + 1}"]`;
        const finish = (reached: boolean) =>
          resolve({
            reached,
            targetRow,
            frameDeltasMs: deltas,
            maxDomRows,
            finalDomRows: scroller.querySelectorAll("tbody tr").length,
            framesWithPlaceholders,
            wallMs: performance.now() - started,
            rowRenderedMs: performance.now() - lastStepAt,
          });
        const tick = (now: number) => {
          deltas.push(now - last);
          last = now;
          maxDomRows = Math.max(maxDomRows, scroller.querySelectorAll("tbody tr").length);
          if (placeholderInView(scroller)) framesWithPlaceholders++;
          if (step >= steps && scroller.querySelector(selector)) return finish(true);
          if (now - started > 60_000) return finish(false);
          if (step < steps) {
            step++;
            scroller.scrollTop = from + ((to - from) * step) / steps;
            if (step === steps) lastStepAt = performance.now();
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    { targetRow, steps },
  );
}

/**
 * A smooth wheel: moves the grid's scroll container by `rowsPerFrame` rows every animation frame for
 * `rows` rows (upwards when `rows` is negative), without waiting for anything; blocks are fetched as
 * they come into view. Records every frame's delta, <tr> count and whether a placeholder was showing.
 */
export async function wheelScroll(page: Page, rows: number, rowsPerFrame = 30): Promise<ScrollRun> {
  return page.evaluate(
    ({ rows, rowsPerFrame }) =>
      new Promise<ScrollRun>((resolve) => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="organization-grid"]');
        if (!scroller) throw new Error("no grid");
        const rowHeight = scroller.querySelector<HTMLElement>("tr[data-organization-id]")?.offsetHeight || 36;
        const bottom = scroller.scrollHeight - scroller.clientHeight;
        const to = Math.min(bottom, Math.max(0, scroller.scrollTop + rows * rowHeight));
        const stepPx = Math.sign(rows) * rowsPerFrame * rowHeight;
        // A placeholder row (block not loaded yet) inside the visible part of the grid.
        const placeholderInView = (grid: HTMLElement) => {
          const view = grid.getBoundingClientRect();
          return Array.from(grid.querySelectorAll("tr.grid-placeholder")).some((tr) => {
            const box = tr.getBoundingClientRect();
            return box.bottom > view.top + 36 && box.top < view.bottom;
          });
        };
        const deltas: number[] = [];
        let maxDomRows = 0;
        let framesWithPlaceholders = 0;
        let last = 0;
        const started = performance.now();
        const tick = (now: number) => {
          deltas.push(now - last);
          last = now;
          maxDomRows = Math.max(maxDomRows, scroller.querySelectorAll("tbody tr").length);
          if (placeholderInView(scroller)) framesWithPlaceholders++;
          if (Math.abs(scroller.scrollTop - to) < 1 || now - started > 60_000) {
            resolve({
              reached: Math.abs(scroller.scrollTop - to) < 1,
              targetRow: Math.round(to / rowHeight),
              frameDeltasMs: deltas,
              maxDomRows,
              finalDomRows: scroller.querySelectorAll("tbody tr").length,
              framesWithPlaceholders,
              wallMs: performance.now() - started,
              rowRenderedMs: 0,
            });
            return;
          }
          const next = scroller.scrollTop + stepPx;
          scroller.scrollTop = stepPx > 0 ? Math.min(next, to) : Math.max(next, to);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    { rows, rowsPerFrame },
  );
}
