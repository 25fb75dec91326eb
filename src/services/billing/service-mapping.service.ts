import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { ServiceMapping } from "../../db/service-mapping.repository.ts";
import type { Actor } from "../../domain/actor.ts";
import { billingTypeLabel, billingTypesOfConnectorKind } from "../../domain/billing/billing-types.ts";
import type { UnitsPolicy } from "../../domain/billing/desired-units.ts";
import { formatDecimal } from "../../domain/billing/money.ts";
import { AppError, invalidValue } from "../../domain/errors.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { serviceMappingState, writeServiceMapping } from "./service-mapping.writes.ts";

export type ServiceStatus = "active" | "inactive" | "unknown";

export interface ServiceMappingView {
  moduleKey: string;
  billingType: string;
  psaServiceId: string;
  psaServiceName: string;
  policy: UnitsPolicy;
  updatedBy: string;
  updatedAt: string;
  serviceStatus: ServiceStatus;
}

export interface BillingTypeRowView {
  key: string;
  label: string;
  origin: "connector" | "ledger" | "mapping";
  serviceMapping: ServiceMappingView | null;
}

function viewOf(mapping: ServiceMapping, services: Map<string, { isActive: boolean }>): ServiceMappingView {
  const service = services.get(mapping.psaServiceId);
  return {
    moduleKey: mapping.moduleKey,
    billingType: mapping.billingType,
    psaServiceId: mapping.psaServiceId,
    psaServiceName: mapping.psaServiceName,
    policy: mapping.policy,
    updatedBy: mapping.updatedBy,
    updatedAt: mapping.updatedAt.toISOString(),
    serviceStatus: service === undefined ? "unknown" : service.isActive ? "active" : "inactive",
  };
}

/**
 * Service mappings (issue 9 item 5): per (module, billing type) the PSA service that bills it and
 * the policy of its units. Viewers read; admins write, one audited step per change (undoable).
 */
export class ServiceMappingService {
  constructor(private readonly ctx: AppContext) {}

  /** Every module (or one) with the billing types it can report and their service mappings. */
  async list(filter: { moduleKey?: string | undefined } = {}) {
    const repos = repositories(this.ctx.db);
    const modules = (await repos.modules.list()).filter(
      (m) => filter.moduleKey === undefined || m.key === filter.moduleKey,
    );
    if (filter.moduleKey !== undefined && modules.length === 0) {
      throw new AppError("not_found", `no module ${filter.moduleKey}`);
    }
    const [mappings, inLedger, services] = await Promise.all([
      repos.serviceMappings.list(modules.map((m) => m.key)),
      repos.serviceMappings.billingTypesInLedger(),
      this.serviceIndex(),
    ]);
    return {
      modules: modules.map((module) => {
        const rows = new Map<string, BillingTypeRowView>();
        const add = (key: string, origin: BillingTypeRowView["origin"]) => {
          if (!rows.has(key)) {
            rows.set(key, {
              key,
              label: billingTypeLabel(key, module.connector_kind),
              origin,
              serviceMapping: null,
            });
          }
        };
        for (const type of billingTypesOfConnectorKind(module.connector_kind)) add(type.key, "connector");
        for (const seen of inLedger) if (seen.moduleKey === module.key) add(seen.billingType, "ledger");
        for (const mapping of mappings) {
          if (mapping.moduleKey !== module.key) continue;
          add(mapping.billingType, "mapping");
          const row = rows.get(mapping.billingType);
          if (row) row.serviceMapping = viewOf(mapping, services);
        }
        return {
          moduleKey: module.key,
          moduleName: module.name,
          connectorKind: module.connector_kind,
          billingTypes: [...rows.values()],
        };
      }),
    };
  }

  /** The PSA services of the last contracts read (the picker's choices), by name. */
  async services(filter: { search?: string | undefined; includeInactive?: boolean | undefined } = {}) {
    const snapshot = await repositories(this.ctx.db).serviceMappings.psaServices();
    const search = filter.search?.trim().toLowerCase() ?? "";
    const items = (snapshot?.services ?? [])
      .filter((s) => filter.includeInactive || s.isActive)
      .filter((s) => search === "" || s.name.toLowerCase().includes(search) || s.psaId === search)
      .sort((a, b) => a.name.localeCompare(b.name) || a.psaId.localeCompare(b.psaId))
      .map((s) => ({
        psaId: s.psaId,
        name: s.name,
        unitPrice: s.unitPrice === null ? null : formatDecimal(s.unitPrice),
        isActive: s.isActive,
      }));
    return { items, readAt: snapshot ? snapshot.readAt.toISOString() : null };
  }

  /** Sets the service and policy of a (module, billing type); the service must be a known, active one. */
  async set(
    actor: Actor,
    moduleKey: string,
    billingType: string,
    input: { psaServiceId: string; policy: UnitsPolicy },
  ): Promise<ServiceMappingView> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await repos.modules.findByKey(moduleKey)))
        throw new AppError("not_found", `no module ${moduleKey}`);
      const snapshot = await repos.serviceMappings.psaServices();
      const service = snapshot?.services.find((s) => s.psaId === input.psaServiceId);
      if (!service) {
        throw invalidValue(
          "psaServiceId",
          snapshot
            ? `the PSA has no service ${input.psaServiceId} (as of its last contracts read)`
            : "the PSA's services have not been read yet: run a PSA sync first",
        );
      }
      if (!service.isActive) {
        throw invalidValue("psaServiceId", `the PSA service "${service.name}" is inactive`);
      }
      await repos.serviceMappings.lock(moduleKey, billingType);
      const before = serviceMappingState(await repos.serviceMappings.find(moduleKey, billingType));
      await writeServiceMapping(repos, step, { moduleKey, billingType }, before, {
        psaServiceId: service.psaId,
        psaServiceName: service.name,
        policy: input.policy,
      });
      const saved = await repos.serviceMappings.find(moduleKey, billingType);
      if (!saved) throw new Error("service mapping vanished inside its own transaction");
      return viewOf(saved, new Map([[service.psaId, service]]));
    });
  }

  /** Removes the service mapping of a (module, billing type): its usage becomes no_service_mapping. */
  async remove(actor: Actor, moduleKey: string, billingType: string): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      await repos.serviceMappings.lock(moduleKey, billingType);
      const before = serviceMappingState(await repos.serviceMappings.find(moduleKey, billingType));
      if (before === null) {
        throw new AppError("not_found", `${moduleKey}/${billingType} has no service mapping`);
      }
      await writeServiceMapping(repos, step, { moduleKey, billingType }, before, null);
    });
  }

  private async serviceIndex(): Promise<Map<string, { isActive: boolean }>> {
    const snapshot = await repositories(this.ctx.db).serviceMappings.psaServices();
    return new Map((snapshot?.services ?? []).map((s) => [s.psaId, s]));
  }
}
