import type {
  ConnectorContractsRead,
  ConnectorUsageRead,
  ContractsWindow,
} from "../../connectors/connector.ts";
import type { BillingReads } from "../../connectors/connector-registry.ts";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { SyncBillingPart } from "../../db/schema.ts";
import { systemActor } from "../../domain/actor.ts";
import { nextPeriod, periodContaining, previousPeriod } from "../../domain/billing/period.ts";
import { UsageLedgerService } from "../billing/usage-ledger.service.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { LeaseLostError, MAX_STORED_REJECTIONS, type RunningSync } from "./sync-run.ts";

/**
 * The billing part of a sync run, after its organizations part completed: a module's usage read
 * into the ledger, or the PSA's contracts read into the stored snapshot. Its failure is the part's
 * outcome, recorded on the run (typed error, requests, counts); the organizations part stands.
 */

/** What a part records when storing (not reading) failed: the log has the detail. */
const STORE_FAILED = { code: "internal", message: "could not store the read; the server log has the detail" };

/** The current and previous billing periods in the instance's time zone, as Autotask dates. */
export function contractsWindowAt(now: Date, timeZone: string): ContractsWindow {
  const current = periodContaining(now, timeZone);
  return { from: `${previousPeriod(current).key}-01`, to: `${nextPeriod(current).key}-01` };
}

/** Any throw of a read (a bug: reads return `failed`) becomes a failed read, so the part is recorded. */
async function settle<T extends { kind: string }>(
  ctx: AppContext,
  run: RunningSync,
  read: Promise<T>,
  failed: (message: string) => T,
): Promise<T> {
  try {
    return await read;
  } catch (error) {
    ctx.log.warn({ err: error, runId: run.id }, "billing read threw");
    return failed("the read failed unexpectedly; the server log has the detail");
  }
}

/**
 * Reads the module's usage (when its connector reports any) and records it in the ledger with the
 * run's id. A failed read makes the module's expected readings unknown ("failed"), never 0.
 */
export async function runUsagePart(
  ctx: AppContext,
  run: RunningSync,
  moduleKey: string,
  usage: BillingReads["usage"],
): Promise<void> {
  if (!usage) return;
  // What the module bills: a kind may read less when less is service-mapped (Datto RMM's categories).
  const mapped = new Set(
    (await repositories(ctx.db).serviceMappings.list([moduleKey])).map((mapping) => mapping.billingType),
  );
  const started = usage.read(run.signal, mapped);
  if (!started) return;
  const read = await settle<ConnectorUsageRead>(ctx, run, started, (message) => ({
    kind: "failed",
    error: message,
    failure: { code: "invalid", message },
    requestCount: 0,
  }));
  run.check();
  const part: SyncBillingPart = {
    part: "usage",
    outcome: read.kind,
    error: read.kind === "failed" ? read.failure : null,
    requestCount: read.requestCount,
    counts: {},
  };
  try {
    const recorded = await new UsageLedgerService(ctx).recordUsageRead(moduleKey, run.id, read, {
      readAt: ctx.clock.now(),
      billingTypes: usage.billingTypesFor?.(mapped) ?? usage.billingTypes,
    });
    part.counts = { ...recorded.counts };
    run.billing = { part, rejected: recorded.rejected.slice(0, MAX_STORED_REJECTIONS) };
  } catch (error) {
    run.check();
    ctx.log.error({ err: error, runId: run.id, moduleKey }, "could not record a usage read");
    run.billing = { part: { ...part, outcome: "failed", error: STORE_FAILED }, rejected: [] };
  }
}

/**
 * Reads the PSA's contracts for the current and previous period (when its connector reads any)
 * and replaces the stored snapshot; a failed read keeps the previous snapshot.
 */
export async function runContractsPart(
  ctx: AppContext,
  run: RunningSync,
  contracts: BillingReads["contracts"],
): Promise<void> {
  if (!contracts) return;
  const { timeZone } = await repositories(ctx.db).settings.get();
  const window = contractsWindowAt(ctx.clock.now(), timeZone);
  const started = contracts.read(window, run.signal);
  if (!started) return;
  const read = await settle<ConnectorContractsRead>(ctx, run, started, (message) => ({
    kind: "failed",
    failure: { code: "invalid", message },
    requestCount: 0,
  }));
  run.check();
  if (read.kind === "failed") {
    run.billing = {
      part: {
        part: "contracts",
        outcome: "failed",
        error: read.failure,
        requestCount: read.requestCount,
        counts: {},
      },
      rejected: [],
    };
    return;
  }
  const { data, rejected } = read;
  const part: SyncBillingPart = {
    part: "contracts",
    outcome: "complete",
    error: null,
    requestCount: read.requestCount,
    counts: {
      services: data.services.length,
      contracts: data.contracts.length,
      contractServices: data.contractServices.length,
      contractServiceUnits: data.contractServiceUnits.length,
      rejected: rejected.length,
    },
  };
  try {
    await inUnitOfWork(ctx, systemActor("sync"), async ({ tx, repos }) => {
      await run.holdLease(tx);
      await repos.psaContracts.replace({
        readAt: ctx.clock.now(),
        window,
        requestCount: read.requestCount,
        rejected: rejected.slice(0, MAX_STORED_REJECTIONS),
        data,
      });
    });
    run.billing = { part, rejected: rejected.slice(0, MAX_STORED_REJECTIONS) };
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    run.check();
    ctx.log.error({ err: error, runId: run.id }, "could not store a contracts read");
    run.billing = { part: { ...part, outcome: "failed", error: STORE_FAILED }, rejected: [] };
  }
}
