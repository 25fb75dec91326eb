import { describe, expect, it } from "vitest";
import { useTestContext } from "../../test/support/test-context.ts";
import type { OpenedContext } from "../context.ts";
import { createServices } from "../services/index.ts";
import { serve } from "./serve.command.ts";

describe("orgmap serve", () => {
  const t = useTestContext();

  it("brings the current and the previous period's reconciliation up to date at start, and waits for it on close", async () => {
    const services = createServices(t.ctx);
    const app = await serve(t.ctx as unknown as OpenedContext, services, { port: 0, host: "127.0.0.1" });
    try {
      await services.reconciliationWarmer.settled();
      // The test clock's January and the December before it, each computed (no snapshot yet).
      expect(services.reconciliationWarmer.lastPass.map((p) => [p.period, p.outcome])).toEqual([
        ["2026-01", "whole"],
        ["2025-12", "whole"],
      ]);
    } finally {
      await app.close();
    }
  });
});
