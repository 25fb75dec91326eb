import type { DemoData } from "./demo-data.ts";
import { seededRandom } from "./demo-data.ts";

/**
 * The demo's billing (issue 9 item 8): usage files for the modules, a contracts file for the PSA and
 * the service mappings, made so that the first start shows every reconciliation state. Quantities
 * are drawn per module organization; each mapped organization's contract then bills its desired
 * units exactly (in balance), fewer (under-billed), more (over-billed), or leaves a service off
 * (service not on the contract); some mapped organizations have no contract; some contracts bill a
 * service no usage asks for (over-billed from the PSA side); one line has no price (money unknown).
 * Datto RMM's server count has no service mapping; unmapped module organizations' usage is unmapped
 * usage; Passly's next usage read fails (stale source), done by the demo loader.
 */

export interface DemoService {
  psaId: string;
  name: string;
  unitPrice: string | null;
}

/** Per module: the billing type named in its usage file, and the service it is billed to (null: none). */
export const DEMO_BILLING = [
  { moduleKey: "datto-rmm", billingType: "devices", label: "devices", serviceId: "9100", policy: "latest" },
  {
    moduleKey: "datto-rmm",
    billingType: "devices.server",
    label: "devices.server",
    serviceId: null,
    policy: "latest",
  },
  {
    moduleKey: "graphus",
    billingType: "protected_mailboxes",
    label: "Protected mailboxes",
    serviceId: "9200",
    policy: "peak",
  },
  { moduleKey: "passly", billingType: "users", label: "Users", serviceId: "9300", policy: "latest" },
  { moduleKey: "bullphish", billingType: "users", label: "Users", serviceId: "9400", policy: "latest" },
  { moduleKey: "saas-protection", billingType: "seats", label: "seats", serviceId: "9500", policy: "latest" },
] as const;

export const DEMO_SERVICES: DemoService[] = [
  { psaId: "9100", name: "Managed Workstation", unitPrice: "12.50" },
  { psaId: "9200", name: "Email Security (Graphus)", unitPrice: "3.00" },
  { psaId: "9300", name: "Identity & MFA (Passly)", unitPrice: "4.1667" },
  { psaId: "9400", name: "Security Awareness Training", unitPrice: "2.00" },
  { psaId: "9500", name: "Cloud-to-Cloud Backup", unitPrice: "3.50" },
  { psaId: "9900", name: "Onsite Labor", unitPrice: "150.00" },
];

export interface DemoBilling {
  /** Per module key: the usage file's rows. */
  usage: Map<string, { externalId: string; billingType: string; quantity: number }[]>;
  contracts: {
    services: { psaId: string; name: string; unitPrice: string | null; isActive: boolean }[];
    contracts: {
      psaId: string;
      organizationPsaId: string;
      name: string;
      startDate: string;
      endDate: string;
    }[];
    contractServices: {
      psaId: string;
      contractPsaId: string;
      servicePsaId: string;
      unitPrice: string | null;
    }[];
    contractServiceUnits: {
      psaId: string;
      contractPsaId: string;
      contractServicePsaId: string;
      servicePsaId: string;
      startDate: string;
      endDate: string;
      units: number;
      approveAndPostDate: string | null;
    }[];
  };
}

/** The "YYYY-MM-DD" of the first and last day of a "YYYY-MM" period. */
function bounds(periodKey: string): { first: string; last: string } {
  const [year, month] = periodKey.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { first: `${periodKey}-01`, last: `${periodKey}-${String(days).padStart(2, "0")}` };
}

export function generateDemoBilling(
  data: DemoData,
  periods: { current: string; previous: string },
  seed = 91,
): DemoBilling {
  const random = seededRandom(seed);
  const usage = new Map<string, { externalId: string; billingType: string; quantity: number }[]>();
  // Desired units per (organization PSA id, service), as the reconciliation will find them.
  const desired = new Map<string, Map<string, number>>();
  const mappedTo = new Map(data.mappings.map((m) => [`${m.moduleKey}\u0000${m.externalId}`, m.psaId]));
  for (const entry of DEMO_BILLING) {
    const module = data.modules.find((m) => m.key === entry.moduleKey);
    if (!module) continue;
    const rows = usage.get(entry.moduleKey) ?? [];
    for (const record of module.records) {
      if (record.parentExternalId !== null) continue; // sites report under their parent
      const quantity =
        entry.billingType === "devices.server" ? Math.floor(random() * 4) : 1 + Math.floor(random() * 40);
      rows.push({ externalId: record.externalId, billingType: entry.label, quantity });
      const psaId = mappedTo.get(`${entry.moduleKey}\u0000${record.externalId}`);
      if (psaId === undefined || entry.serviceId === null) continue;
      const byService = desired.get(psaId) ?? new Map<string, number>();
      byService.set(entry.serviceId, (byService.get(entry.serviceId) ?? 0) + quantity);
      desired.set(psaId, byService);
    }
    usage.set(entry.moduleKey, rows);
  }

  const contracts: DemoBilling["contracts"] = {
    services: DEMO_SERVICES.map((s) => ({ ...s, isActive: true })),
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  const current = bounds(periods.current);
  const previous = bounds(periods.previous);
  let n = 0;
  const organizations = [...desired.keys()].sort();
  for (const [index, psaId] of organizations.entries()) {
    const roll = random();
    if (roll < 0.1 && index > 0) continue; // mapped, no recurring contract
    const contractId = `7${String(++n).padStart(5, "0")}`;
    contracts.contracts.push({
      psaId: contractId,
      organizationPsaId: psaId,
      name: "Managed Services Agreement",
      startDate: "2025-01-01",
      endDate: "2027-12-31",
    });
    const lines = [...(desired.get(psaId) ?? new Map<string, number>())];
    // The PSA side only: a backup service billed where no usage asks for it.
    if (index % 17 === 3 && !lines.some(([service]) => service === "9500")) lines.push(["9500", 0]);
    for (const [lineIndex, [serviceId, units]] of lines.entries()) {
      const lineRoll = random();
      if (lineRoll < 0.08 && lines.length > 1) continue; // service not on the contract
      const service = DEMO_SERVICES.find((s) => s.psaId === serviceId)!;
      const lineId = `${contractId}${lineIndex + 1}`;
      const noPrice = index === 5 && lineIndex === 0;
      contracts.contractServices.push({
        psaId: lineId,
        contractPsaId: contractId,
        servicePsaId: serviceId,
        unitPrice: noPrice ? null : service.unitPrice,
      });
      // The line with no price bills too little: its money is unknown, its units still reconcile.
      const billed =
        units === 0
          ? 3 + Math.floor(random() * 5)
          : noPrice
            ? Math.max(0, units - 2)
            : lineRoll < 0.7
              ? units
              : lineRoll < 0.85
                ? Math.max(0, units - 1 - Math.floor(random() * 5))
                : units + 1 + Math.floor(random() * 3);
      for (const [period, units_] of [
        [current, billed],
        [previous, billed],
      ] as const) {
        contracts.contractServiceUnits.push({
          psaId: `${lineId}${period === current ? "1" : "0"}`,
          contractPsaId: contractId,
          contractServicePsaId: lineId,
          servicePsaId: serviceId,
          startDate: period.first,
          endDate: period.last,
          units: units_,
          approveAndPostDate: period === previous ? `${current.first}` : null,
        });
      }
    }
  }
  return { usage, contracts };
}
