/**
 * UI benchmark (issue 4 item 10): a real `orgmap serve` on a scratch PostgreSQL database with 50,000
 * organizations, 8 ready modules and 200,000 module organizations, driven by headless Debian Chromium.
 * Prints and returns the figures; the method is in bench/ui/README.md. Run alone with
 * `npm run bench -- ui` or `npx tsx bench/ui/grid-ui.bench.ts`.
 */
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { chromium } from "playwright-core";
import { seedGridInstance } from "../grid/grid.bench.ts";
import { BENCH_POSTGRES_URL, fmt, median, openBenchDatabase, percentile } from "../support.ts";
import {
  type GridTraffic,
  installFirstRowsProbe,
  jumpToRow,
  type ScrollRun,
  timeFirstRows,
  watchGridTraffic,
  wheelScroll,
} from "./grid-ui.page.ts";
import { buildWebIfStale, startServer } from "./grid-ui.server.ts";

const SIZES = { organizations: 50_000, modules: 8, moduleOrganizations: 200_000 };
const TARGET_ROW = 40_000;
const ADMIN_PASSWORD = "ui-bench-Admin-password-1";
const WARM_RUNS = 5;
/** The jump to row 40,000 takes this many scrollTop steps, one per frame (a quick scrollbar drag). */
const JUMP_STEPS = 20;
/** The wheel scrolls afterwards: a fast fling of 3,000 rows up (30 rows per frame), then a steady
 * wheel of 1,500 rows down (6 rows, 216 px, per frame). */
const WHEEL_ROWS = 3_000;
const WHEEL_FAST_ROWS_PER_FRAME = 30;
const SLOW_WHEEL_ROWS = 1_500;
const SLOW_WHEEL_ROWS_PER_FRAME = 6;

export interface FrameFigures {
  frames: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  over60Ms: number;
  framesWithPlaceholders: number;
  maxDomRows: number;
  wallMs: number;
}

function frameFigures(run: ScrollRun): FrameFigures {
  const deltas = run.frameDeltasMs.slice(1);
  return {
    frames: deltas.length,
    medianMs: median(deltas),
    p95Ms: percentile(deltas, 95),
    p99Ms: percentile(deltas, 99),
    maxMs: Math.max(...deltas),
    over60Ms: deltas.filter((d) => d > 60).length,
    framesWithPlaceholders: run.framesWithPlaceholders,
    maxDomRows: run.maxDomRows,
    wallMs: run.wallMs,
  };
}

export interface UiFigures {
  organizations: number;
  gridRows: number;
  firstRowsColdMs: number;
  firstRowsWarmMedianMs: number;
  firstRowsWarmMaxMs: number;
  scrollTargetRow: number;
  jumpReached: boolean;
  /** From the last step of the jump until the target row's cells were rendered. */
  jumpRowRenderedMs: number;
  jump: FrameFigures;
  jumpTraffic: GridTraffic;
  wheelRows: number;
  wheelReached: boolean;
  wheel: FrameFigures;
  wheelTraffic: GridTraffic;
  slowWheelRows: number;
  slowWheel: FrameFigures;
  slowWheelTraffic: GridTraffic;
  maxDomRows: number;
  traffic: GridTraffic;
  firstViewTraffic: GridTraffic;
}

export async function runUiBench(): Promise<UiFigures> {
  buildWebIfStale();
  const database = await openBenchDatabase("postgres");
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    console.log(`ui bench: seeding ${SIZES.organizations.toLocaleString()} organizations …`);
    await seedGridInstance(database.db, SIZES);
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    const url = new URL(BENCH_POSTGRES_URL);
    url.pathname = `/${rows[0]?.name}`;
    server = await startServer(url.toString(), ADMIN_PASSWORD);

    browser = await chromium.launch({
      executablePath: process.env.ORGMAP_E2E_CHROMIUM ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.url });
    const signIn = await context.request.post("/api/v1/session", {
      data: { username: "admin", password: ADMIN_PASSWORD },
    });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    const page = await context.newPage();
    await installFirstRowsProbe(page);
    const traffic = watchGridTraffic(page);

    const cold = await timeFirstRows(page, "/mapping");
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await timeFirstRows(page, "/mapping"));

    // A fresh view for the scroll: only what it fetches is counted.
    traffic.reset();
    await timeFirstRows(page, "/mapping");
    await page.waitForTimeout(500);
    const firstViewTraffic = traffic.read();
    const total = await page.evaluate(() =>
      Number(document.querySelector("[role=grid]")?.getAttribute("aria-rowcount") ?? "1"),
    );
    const gridRows = total - 1;
    const target = Math.min(TARGET_ROW, gridRows);
    const beforeJump = traffic.read();
    const jump = await jumpToRow(page, target, JUMP_STEPS);
    await page.waitForTimeout(500);
    const afterJump = traffic.read();
    await page.screenshot({ path: "test-results/ui-bench-row-40000.png" }).catch(() => undefined);
    const wheel = await wheelScroll(page, -WHEEL_ROWS, WHEEL_FAST_ROWS_PER_FRAME);
    await page.waitForTimeout(500);
    const afterWheel = traffic.read();
    const slowWheel = await wheelScroll(page, SLOW_WHEEL_ROWS, SLOW_WHEEL_ROWS_PER_FRAME);
    await page.waitForTimeout(500);
    const afterSlowWheel = traffic.read();
    const figures: UiFigures = {
      organizations: SIZES.organizations,
      gridRows,
      firstRowsColdMs: cold,
      firstRowsWarmMedianMs: median(warm),
      firstRowsWarmMaxMs: Math.max(...warm),
      scrollTargetRow: target,
      jumpReached: jump.reached,
      jumpRowRenderedMs: jump.rowRenderedMs,
      jump: frameFigures(jump),
      jumpTraffic: difference(afterJump, beforeJump),
      wheelRows: WHEEL_ROWS,
      wheelReached: wheel.reached,
      wheel: frameFigures(wheel),
      wheelTraffic: difference(afterWheel, afterJump),
      slowWheelRows: SLOW_WHEEL_ROWS,
      slowWheel: frameFigures(slowWheel),
      slowWheelTraffic: difference(afterSlowWheel, afterWheel),
      maxDomRows: Math.max(jump.maxDomRows, wheel.maxDomRows, slowWheel.maxDomRows),
      traffic: afterSlowWheel,
      firstViewTraffic,
    };
    printUiFigures(figures);
    return figures;
  } finally {
    await browser?.close();
    await server?.stop();
    await database.dispose();
  }
}

function difference(after: GridTraffic, before: GridTraffic): GridTraffic {
  return {
    requests: after.requests - before.requests,
    requestsSent: after.requestsSent - before.requestsSent,
    requestsCancelled: after.requestsCancelled - before.requestsCancelled,
    rowsFetched: after.rowsFetched - before.rowsFetched,
    maxRowsPerResponse: after.maxRowsPerResponse,
    distinctBlocks: after.distinctBlocks - before.distinctBlocks,
    laterPagesWithTotal: after.laterPagesWithTotal - before.laterPagesWithTotal,
  };
}

export function printUiFigures(f: UiFigures): void {
  const ok = (pass: boolean) => (pass ? "ok" : "MISSED");
  const frames = (x: FrameFigures) =>
    `${x.frames} frames in ${fmt(x.wallMs)}: median ${fmt(x.medianMs)}, p95 ${fmt(x.p95Ms)}, p99 ${fmt(x.p99Ms)}, max ${fmt(x.maxMs)}, ${x.over60Ms} > 60 ms, ${x.framesWithPlaceholders} with a placeholder in view  target p95 < 60 ms: ${ok(x.p95Ms < 60)}`;
  const traffic = (t: GridTraffic) =>
    `${t.rowsFetched.toLocaleString()} rows in ${t.requests} answers (${t.requestsSent} sent, ${t.requestsCancelled} cancelled; max ${t.maxRowsPerResponse} per answer; ${t.laterPagesWithTotal} later blocks asked for the total)`;
  console.log("\nUI: Map by Organization grid in headless Chromium (real server, PostgreSQL)");
  console.log(
    `  instance: ${f.organizations.toLocaleString()} organizations (${f.gridRows.toLocaleString()} mappable rows), 8 modules`,
  );
  console.log(
    `  first rows visible: cold ${fmt(f.firstRowsColdMs)}, warm median ${fmt(f.firstRowsWarmMedianMs)} (max ${fmt(f.firstRowsWarmMaxMs)})  target < 1.5 s: ${ok(f.firstRowsColdMs < 1500 && f.firstRowsWarmMaxMs < 1500)}`,
  );
  console.log(`  first view fetched ${traffic(f.firstViewTraffic)}`);
  console.log(
    `  jump to row ${f.scrollTargetRow.toLocaleString()} (${JUMP_STEPS} scrollTop steps, one per frame): ${f.jumpReached ? "rendered" : "NOT rendered"} ${fmt(f.jumpRowRenderedMs)} after the last step`,
  );
  console.log(`    ${frames(f.jump)}`);
  console.log(`    fetched ${traffic(f.jumpTraffic)}`);
  console.log(
    `  fast wheel ${f.wheelRows.toLocaleString()} rows up at ${WHEEL_FAST_ROWS_PER_FRAME} rows per frame: ${f.wheelReached ? "done" : "NOT done"}`,
  );
  console.log(`    ${frames(f.wheel)}`);
  console.log(`    fetched ${traffic(f.wheelTraffic)}`);
  console.log(
    `  steady wheel ${f.slowWheelRows.toLocaleString()} rows down at ${SLOW_WHEEL_ROWS_PER_FRAME} rows per frame`,
  );
  console.log(`    ${frames(f.slowWheel)}`);
  console.log(`    fetched ${traffic(f.slowWheelTraffic)}`);
  console.log(
    `  whole run fetched ${traffic(f.traffic)}: ${((100 * f.traffic.rowsFetched) / f.gridRows).toFixed(1)}% of the rows`,
  );
  console.log(`  DOM rows at most ${f.maxDomRows} (of ${f.gridRows.toLocaleString()})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runUiBench();
}
