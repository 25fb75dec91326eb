import type { Page } from "playwright-core";

/** What the grid's network traffic added up to (GET /api/v1/mapping-grid answers). */
export interface GridTraffic {
  requests: number;
  rowsFetched: number;
  maxRowsPerResponse: number;
  /** Requests after the first page that still asked for the total (should be 0). */
  laterPagesWithTotal: number;
}

/** Counts every /mapping-grid answer from now on; `read()` gives the sums so far. */
export function watchGridTraffic(page: Page): { read(): GridTraffic; reset(): void } {
  let traffic: GridTraffic = { requests: 0, rowsFetched: 0, maxRowsPerResponse: 0, laterPagesWithTotal: 0 };
  const pending: Promise<void>[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname !== "/api/v1/mapping-grid" || response.request().method() !== "GET") return;
    pending.push(
      response
        .json()
        .then((body: { items?: unknown[] }) => {
          const n = body.items?.length ?? 0;
          traffic.requests++;
          traffic.rowsFetched += n;
          traffic.maxRowsPerResponse = Math.max(traffic.maxRowsPerResponse, n);
          if (url.searchParams.get("cursor") && url.searchParams.get("withTotal") !== "false")
            traffic.laterPagesWithTotal++;
        })
        .catch(() => undefined),
    );
  });
  return {
    read: () => ({ ...traffic }),
    reset: () => {
      traffic = { requests: 0, rowsFetched: 0, maxRowsPerResponse: 0, laterPagesWithTotal: 0 };
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

export interface ScrollRun {
  reached: boolean;
  targetRow: number;
  frames: number;
  frameDeltasMs: number[];
  maxDomRows: number;
  finalDomRows: number;
  wallMs: number;
}

/**
 * Scrolls the grid down by `rowsPerFrame` rows each animation frame (a fast, steady wheel; it waits
 * at the bottom while the next page loads) until row `targetRow` is rendered, and records every
 * frame's requestAnimationFrame delta and the number of <tr> rows in the DOM.
 */
export async function scrollToRow(page: Page, targetRow: number, rowsPerFrame = 30): Promise<ScrollRun> {
  return page.evaluate(
    ({ targetRow, rowsPerFrame }) =>
      new Promise<ScrollRun>((resolve) => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="organization-grid"]');
        if (!scroller) throw new Error("no grid");
        const rowHeight = scroller.querySelector<HTMLElement>("tr[data-organization-id]")?.offsetHeight || 36;
        const deltas: number[] = [];
        let maxDomRows = 0;
        let last = 0;
        const started = performance.now();
        const finish = (reached: boolean) =>
          resolve({
            reached,
            targetRow,
            frames: deltas.length,
            frameDeltasMs: deltas,
            maxDomRows,
            finalDomRows: scroller.querySelectorAll("tbody tr").length,
            wallMs: performance.now() - started,
          });
        const tick = (now: number) => {
          deltas.push(now - last);
          last = now;
          maxDomRows = Math.max(maxDomRows, scroller.querySelectorAll("tbody tr").length);
          if (scroller.querySelector(`tr[aria-rowindex="${targetRow + 1}"]`)) return finish(true);
          if (now - started > 180_000) return finish(false);
          const bottom = scroller.scrollHeight - scroller.clientHeight;
          scroller.scrollTop = Math.min(scroller.scrollTop + rowsPerFrame * rowHeight, bottom);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    { targetRow, rowsPerFrame },
  );
}
