import { monitorEventLoopDelay } from "node:perf_hooks";
import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { syntheticSet } from "../../../bench/matching/synthetic.ts";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { MatchIndexWorker } from "./match-index.client.ts";
import { SuggestionService } from "./suggestion.service.ts";

/** Organizations in the large build: seconds of CPU, which must not stall the main thread. */
const ORGANIZATIONS = 12_000;

/**
 * Runs `work` while a timer meant to fire every 10 ms measures the longest gap between two firings
 * (how long the main thread was held) and `monitorEventLoopDelay` records the loop's delay.
 */
async function whileMeasuring<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let longestGapMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 10);
  delay.enable();
  try {
    const value = await work();
    return { value, longestGapMs, maxDelayMs: delay.max / 1e6 };
  } finally {
    delay.disable();
    clearInterval(ticker);
  }
}

describe("match index off the main thread", () => {
  const t = useTestContext();

  it("a large index build runs in the worker while the event loop keeps turning", async () => {
    const set = syntheticSet(ORGANIZATIONS, ORGANIZATIONS, 11);
    const input = {
      organizations: set.organizations,
      confirmed: set.queries.map((q, i) => ({
        moduleKey: "graphus",
        moduleOrganizationId: q.id,
        name: q.name,
        organizationId: set.organizations[i]?.id ?? "",
      })),
    };
    const worker = new MatchIndexWorker();
    try {
      // Start the worker first: its boot (loading the TypeScript loader) is not the build.
      await worker.build("warm-up", { organizations: [] });
      expect(worker.threadId).not.toBeNull();
      expect(worker.threadId).not.toBe(threadId);
      const {
        value: buildMs,
        longestGapMs,
        maxDelayMs,
      } = await whileMeasuring(() => worker.build("large", input));
      console.info(
        `match index of ${ORGANIZATIONS} organizations + ${ORGANIZATIONS} confirmed mappings: ` +
          `${Math.round(buildMs)} ms of building in the worker; the main thread was held at most ` +
          `${Math.round(longestGapMs)} ms (event-loop delay max ${Math.round(maxDelayMs)} ms)`,
      );
      // Built on the main thread, a gap would last the whole build; posting the input is all it holds.
      expect(buildMs).toBeGreaterThan(200);
      expect(longestGapMs).toBeLessThan(buildMs / 4);
      // The index answers from the worker: an organization's own name finds it.
      const [candidates = []] = await worker.suggest("large", [
        { query: { id: "q", name: set.organizations[7]?.name ?? "" }, top: 5 },
      ]);
      expect(candidates.map((c) => c.organizationId)).toContain(set.organizations[7]?.id);
    } finally {
      await worker.close();
    }
  });

  it("the suggestion service builds and asks its index in the worker, and rebuilds after the worker died", async () => {
    const itglue = await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme Corporation" });
    await buildOrganization(t.ctx.db, { name: "Globex Industries" });
    const record = await buildModuleOrganization(t.ctx.db, itglue.key, { name: "ACME Corp." });
    const service = new SuggestionService(t.ctx);
    try {
      const first = await service.forModuleOrganization(record.id);
      expect(service.cache.lastRefresh.kind).toBe("full");
      expect(service.cache.lastBuildWorkMs).toBeGreaterThan(0);
      expect(service.worker.threadId).not.toBe(threadId);
      expect(first.items[0]?.candidates[0]?.organizationId).toBe(acme.id);

      await service.worker.close();
      const again = await service.forModuleOrganization(record.id);
      expect(service.cache.lastRefresh.kind).toBe("full");
      expect(again.items[0]?.candidates).toEqual(first.items[0]?.candidates);
    } finally {
      await service.worker.close();
    }
  });
});
