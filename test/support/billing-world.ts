import { repositories } from "../../src/db/repositories.ts";
import { cliActor } from "../../src/domain/actor.ts";
import { parseDecimal } from "../../src/domain/billing/money.ts";
import type { PsaContractData } from "../../src/domain/billing/psa-contracts.ts";
import type { UsageReadResult } from "../../src/domain/billing/usage-read.ts";
import { ReconciliationService } from "../../src/services/billing/reconciliation.service.ts";
import { ServiceMappingService } from "../../src/services/billing/service-mapping.service.ts";
import { UsageLedgerService } from "../../src/services/billing/usage-ledger.service.ts";
import { MappingService } from "../../src/services/mapping.service.ts";
import { SettingsService } from "../../src/services/settings.service.ts";
import { buildModule, buildModuleOrganization, buildOrganization } from "./factories.ts";
import type { TestContext } from "./test-context.ts";

/** A small billing world for the reconciliation tests: organizations, a module, readings, contracts. */
export function billingWorld(t: { ctx: TestContext }) {
  const ctx = () => t.ctx;
  const at = (iso: string) => new Date(iso);
  return {
    reconciliation: () => new ReconciliationService(ctx(), new SettingsService(ctx())),
    serviceMappings: () => new ServiceMappingService(ctx()),
    organization: (psaId: string, name = `Org ${psaId}`) => buildOrganization(ctx().db, { psaId, name }),
    module: (key: string) => buildModule(ctx().db, { key, name: `Module ${key}` }),
    moduleOrganization: (moduleKey: string, externalId: string, name = `Site ${externalId}`) =>
      buildModuleOrganization(ctx().db, moduleKey, { externalId, name }),
    /** Maps through the real write path at `when` (so the dated mappings start then). */
    async map(moduleOrganizationId: string, organizationId: string, when: string) {
      ctx().clock.set(when);
      await new MappingService(ctx()).map(cliActor, moduleOrganizationId, organizationId);
    },
    async exclude(moduleOrganizationId: string, when: string) {
      ctx().clock.set(when);
      await new MappingService(ctx()).setExcluded(cliActor, moduleOrganizationId, true);
    },
    /** One usage read of a module: readings by external id, or a failed read. */
    async read(
      moduleKey: string,
      when: string,
      readings: Record<string, number> | "failed",
      more: Record<string, Record<string, number>> = {},
    ) {
      const listed = Object.entries({ devices: readings === "failed" ? {} : readings, ...more }).flatMap(
        ([billingType, byId]) =>
          Object.entries(byId).map(([externalId, quantity]) => ({ externalId, billingType, quantity })),
      );
      const result: UsageReadResult =
        readings === "failed"
          ? { kind: "failed", error: "HTTP 500 from the vendor", requestCount: 1 }
          : { kind: "complete", readings: listed, rejected: [], requestCount: 1 };
      await new UsageLedgerService(ctx()).recordUsageRead(moduleKey, null, result, { readAt: at(when) });
    },
    async contracts(data: PsaContractData, readAt = "2026-11-25T03:00:00Z") {
      await repositories(ctx().db).psaContracts.replace({
        readAt: at(readAt),
        window: { from: "2026-10-01", to: "2026-12-31" },
        requestCount: 5,
        rejected: [],
        data,
      });
    },
    async serviceMapping(
      moduleKey: string,
      billingType: string,
      psaServiceId: string,
      policy: "latest" | "peak" = "latest",
    ) {
      await new ServiceMappingService(ctx()).set(cliActor, moduleKey, billingType, { psaServiceId, policy });
    },
  };
}

export const price = (text: string) => parseDecimal(text);

/** A PSA contract data set: services, then per organization a contract with its services' units in November. */
export function psaData(
  services: { id: string; name: string; price: string | null }[],
  contracts: {
    organizationPsaId: string;
    lines: { serviceId: string; units: number | null; price?: string | null }[];
  }[],
): PsaContractData {
  const data: PsaContractData = {
    services: services.map((s) => ({
      psaId: s.id,
      name: s.name,
      unitPrice: s.price === null ? null : price(s.price),
      isActive: true,
    })),
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  for (const [index, contract] of contracts.entries()) {
    const contractId = `c${index + 1}`;
    data.contracts.push({
      psaId: contractId,
      organizationPsaId: contract.organizationPsaId,
      name: `Managed services ${contract.organizationPsaId}`,
      startDate: "2026-01-01",
      endDate: "2027-12-31",
    });
    for (const [lineIndex, line] of contract.lines.entries()) {
      const id = `${contractId}-cs${lineIndex + 1}`;
      const service = services.find((s) => s.id === line.serviceId);
      const linePrice = line.price === undefined ? (service?.price ?? null) : line.price;
      data.contractServices.push({
        psaId: id,
        contractPsaId: contractId,
        servicePsaId: line.serviceId,
        unitPrice: linePrice === null ? null : price(linePrice),
      });
      if (line.units !== null) {
        data.contractServiceUnits.push({
          psaId: `${id}-nov`,
          contractPsaId: contractId,
          contractServicePsaId: id,
          servicePsaId: line.serviceId,
          startDate: "2026-11-01",
          endDate: "2026-11-30",
          units: line.units,
          approveAndPostDate: null,
        });
      }
    }
  }
  return data;
}
