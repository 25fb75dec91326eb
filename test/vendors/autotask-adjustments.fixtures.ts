import { autotaskSettingsSchema } from "../../src/connectors/autotask/autotask.settings.ts";
import { AutotaskAdjustmentsClient } from "../../src/connectors/autotask/autotask-adjustments.client.ts";
import type { ConnectorDeps } from "../../src/connectors/connector.ts";
import type { AppContext } from "../../src/context.ts";
import { DEFAULT_POSTING_CONFIG, type PostingConfig } from "../../src/db/posting.repository.ts";
import { systemActor } from "../../src/domain/actor.ts";
import type { PostingCandidate } from "../../src/domain/billing/posting.ts";
import { type EngineOptions, runPostingEngine } from "../../src/services/billing/posting/posting-engine.ts";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "./autotask.server.ts";
import type { AutotaskAdjustmentsData } from "./autotask-adjustments.server.ts";
import type { FaultRule, VendorServer } from "./vendor-server.ts";

/** Test helpers for posting: an emulated Autotask with N contract services, and candidates for them. */

export const PERIOD = "2026-11";

/** Contract `i` (id 1 + i) of company 1000 + i with contract service 5000 + i billing `units[i]` in November. */
export function contractsWith(
  units: readonly number[],
  options: { invoiced?: number[] } = {},
): AutotaskAdjustmentsData {
  return {
    contracts: units.map((_, i) => ({
      id: 1 + i,
      companyID: 1000 + i,
      contractName: `MSA ${i}`,
      contractType: 7,
      status: 1,
      startDate: "2026-01-01T00:00:00Z",
      endDate: "2027-12-31T00:00:00Z",
    })),
    contractServices: units.map((_, i) => ({
      id: 5000 + i,
      contractID: 1 + i,
      serviceID: 501,
      unitPrice: 12.5,
    })),
    contractServiceUnits: units.map((value, i) => ({
      id: 80_000 + i,
      contractID: 1 + i,
      contractServiceID: 5000 + i,
      serviceID: 501,
      startDate: "2026-11-01T00:00:00Z",
      endDate: "2026-11-30T00:00:00Z",
      units: value,
      approveAndPostDate: options.invoiced?.includes(i) ? "2026-11-25T00:00:00Z" : null,
    })),
    services: [{ id: 501, name: "Managed Workstation", unitPrice: 12.5, isActive: true }],
  };
}

export function candidate(
  moduleKey: string,
  i: number,
  desiredUnits: number,
  extra: Partial<PostingCandidate> = {},
): PostingCandidate {
  return {
    moduleKey,
    billingType: "devices",
    organizationId: null,
    organizationName: `Company ${1000 + i}`,
    state: "under_billed",
    periodKey: PERIOD,
    desiredUnits,
    contractPsaId: String(1 + i),
    contractServicePsaId: String(5000 + i),
    servicePsaId: "501",
    serviceName: "Managed Workstation",
    unitPrice: 125_000n,
    ...extra,
  };
}

export async function emulator(
  data: AutotaskAdjustmentsData,
  faults: FaultRule[] = [],
): Promise<VendorServer> {
  return startAutotaskServer({ contracts: data, faults });
}

export function client(url: string, deps: ConnectorDeps = {}, settings: Record<string, unknown> = {}) {
  const parsed = autotaskSettingsSchema.parse({
    baseUrl: url,
    requestTimeoutMs: 10_000,
    totalTimeoutMs: 20_000,
    maxAttempts: 3,
    ...settings,
  });
  return new AutotaskAdjustmentsClient(parsed, AUTOTASK_TEST_CREDENTIALS, deps);
}

/** One post run of the engine against `url`, as process `owner`. */
export function postRun(
  ctx: Pick<AppContext, "db" | "clock" | "log">,
  url: string,
  moduleKey: string,
  candidates: PostingCandidate[],
  overrides: Partial<Omit<EngineOptions, "config">> & { config?: Partial<PostingConfig> } = {},
) {
  const { config, ...rest } = overrides;
  return runPostingEngine(
    {
      ctx,
      actor: systemActor("posting"),
      psa: client(url, { sleep: async () => {} }),
      owner: "test-owner",
      leaseMs: 60_000,
      settleAfterMs: 0,
      config: { ...DEFAULT_POSTING_CONFIG, ...config },
      timeZone: "UTC",
      runId: null,
      mode: "post",
      ...rest,
    },
    moduleKey,
    PERIOD,
    candidates,
  );
}
