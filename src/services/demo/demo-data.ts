import type { ModuleOrganizationRecord, PsaOrganizationRecord } from "../../connectors/connector.ts";
import type { OrganizationType } from "../../domain/organization.ts";

/**
 * A realistic demo instance, generated deterministically: PSA organizations of all seven types and,
 * per module, differently spelled module organizations of the customers (legal forms, case,
 * abbreviations, site suffixes, sub-organizations), plus some that match nothing.
 */

export const DEMO_MODULES = [
  { key: "itglue", name: "IT Glue" },
  { key: "datto-rmm", name: "Datto RMM" },
  { key: "graphus", name: "Graphus" },
  { key: "passly", name: "Passly" },
  { key: "bullphish", name: "BullPhish ID" },
  { key: "saas-protection", name: "SaaS Protection" },
] as const;

const FIRST = [
  "Blue Ridge",
  "Summit",
  "Harbor",
  "Cedar",
  "Northwind",
  "Pinnacle",
  "Lakeside",
  "Redwood",
  "Silverline",
  "Granite",
  "Evergreen",
  "Riverbend",
  "Keystone",
  "Maple",
  "Ironwood",
  "Crescent",
  "Sterling",
  "Oakmont",
  "Bayview",
  "Frontier",
  "Highland",
  "Prairie",
  "Coastal",
  "Meridian",
  "Sunrise",
  "Westfield",
  "Brookside",
  "Clearwater",
  "Foxglove",
  "Juniper",
  "Aspen",
  "Beacon",
  "Canyon",
  "Driftwood",
  "Elmstead",
  "Fairview",
  "Golden Gate",
  "Hillcrest",
  "Ivy",
  "Jasper",
  "Kingsley",
  "Larkspur",
  "Magnolia",
  "Norfolk",
  "Orchard",
  "Parkway",
  "Quarry",
  "Rosewood",
  "Sapphire",
  "Tidewater",
  "Union",
  "Valley",
  "Willow",
  "Yellowstone",
  "Zenith",
  "Acme",
  "Apex",
  "Atlas",
  "Cornerstone",
  "Horizon",
];
const SECOND = [
  "Dental",
  "Family Medicine",
  "Law",
  "Accounting",
  "Engineering",
  "Logistics",
  "Construction",
  "Realty",
  "Veterinary",
  "Insurance",
  "Manufacturing",
  "Architects",
  "Pediatrics",
  "Orthodontics",
  "Credit Union",
  "Title",
  "Chiropractic",
  "Landscaping",
  "Plumbing",
  "Electric",
  "Marine",
  "Auto Group",
  "Foods",
  "Brewing",
  "Hospitality",
  "Capital",
  "Wealth Management",
  "Physical Therapy",
  "Imaging",
  "Labs",
];
const THIRD = ["Group", "Partners", "Associates", "Services", "Solutions", "Company", "Center", "Clinic", ""];
const LEGAL = [
  "Inc.",
  "LLC",
  "Corp.",
  "Ltd.",
  "L.L.C.",
  "Incorporated",
  "Corporation",
  "PLLC",
  "LLP",
  "P.C.",
  "",
];
const SITES = ["Main Office", "Denver", "Austin", "HQ", "Warehouse", "North Campus", "Downtown", "Clinic 2"];
const ABBREVIATIONS: [RegExp, string][] = [
  [/\bAssociates\b/, "Assoc."],
  [/\bServices\b/, "Svcs"],
  [/\bManufacturing\b/, "Mfg"],
  [/\bInternational\b/, "Intl"],
  [/\bCompany\b/, "Co."],
  [/\bCenter\b/, "Ctr"],
  [/\band\b/, "&"],
];

/** Mulberry32: small, fast, seedable; the demo is the same on every machine. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoData {
  organizations: PsaOrganizationRecord[];
  modules: { key: string; name: string; records: ModuleOrganizationRecord[] }[];
  /** Module external id -> PSA id, for the share of module organizations mapped in the demo. */
  mappings: { moduleKey: string; externalId: string; psaId: string }[];
}

const TYPE_WEIGHTS: [OrganizationType, number][] = [
  ["Customer", 0.62],
  ["Lead", 0.08],
  ["Prospect", 0.1],
  ["Dead", 0.06],
  ["Cancelation", 0.04],
  ["Vendor", 0.06],
  ["Partner", 0.04],
];

export function generateDemoData(options: { organizations?: number; seed?: number } = {}): DemoData {
  const random = seededRandom(options.seed ?? 4711);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const count = options.organizations ?? 1500;
  const organizations: PsaOrganizationRecord[] = [];
  const baseNames: string[] = [];
  const used = new Set<string>();
  for (let i = 0; organizations.length < count; i++) {
    const second = pick(SECOND);
    const third = pick(THIRD);
    // "Auto Group" + "Group" would read "Auto Group Group".
    const base = [pick(FIRST), second, second.endsWith(third) ? "" : third].filter(Boolean).join(" ");
    if (used.has(base)) continue;
    used.add(base);
    let roll = random();
    let type: OrganizationType = "Customer";
    for (const [t, w] of TYPE_WEIGHTS) {
      if (roll < w) {
        type = t;
        break;
      }
      roll -= w;
    }
    const legal = pick(LEGAL);
    const psaId = String(29_680_000 + i);
    const isChild = organizations.length > 10 && random() < 0.04;
    const parent = isChild ? organizations[Math.floor(random() * organizations.length)] : undefined;
    // A sub-organization is a site of its parent ("Summit Dental - Denver"), and its module
    // organizations are spelled from that name, not from the unused base drawn above.
    const siteName = parent ? `${baseNames[organizations.indexOf(parent)]} - ${pick(SITES)}` : undefined;
    if (siteName && used.has(siteName)) continue;
    if (siteName) used.add(siteName);
    organizations.push({
      psaId,
      name: siteName ?? (legal ? `${base}, ${legal}` : base),
      type,
      isActive: random() > 0.05,
      parentPsaId: parent && !parent.parentPsaId ? parent.psaId : null,
    });
    baseNames.push(siteName ?? base);
  }

  const customers = organizations
    .map((o, i) => ({ o, base: baseNames[i]! }))
    .filter(({ o }) => o.type === "Customer");
  const modules: DemoData["modules"] = [];
  const mappings: DemoData["mappings"] = [];
  for (const module of DEMO_MODULES) {
    const records: ModuleOrganizationRecord[] = [];
    let n = 0;
    for (const { o, base } of customers) {
      if (random() < 0.25) continue; // not every customer uses every module
      const externalId = `${module.key}-${++n}`;
      const attributes: Record<string, unknown> = {};
      if (module.key === "datto-rmm" && random() < 0.5) {
        attributes.autotaskCompanyId = o.psaId;
        attributes.autotaskCompanyName = o.name;
      }
      records.push({ externalId, name: variant(base, random, pick), parentExternalId: null, attributes });
      if (random() < 0.15) {
        const sites = 1 + Math.floor(random() * 3);
        for (let s = 0; s < sites; s++) {
          records.push({
            externalId: `${externalId}-site-${s + 1}`,
            name: `${base} - ${SITES[(s + n) % SITES.length]}`,
            parentExternalId: externalId,
            attributes: {},
          });
        }
      }
      if (random() < 0.35) mappings.push({ moduleKey: module.key, externalId, psaId: o.psaId });
    }
    for (let i = 0; i < 8; i++) {
      records.push({
        externalId: `${module.key}-internal-${i + 1}`,
        name: i === 0 ? "Internal Test Tenant" : `${pick(FIRST)} ${pick(SECOND)} (trial)`,
        parentExternalId: null,
        attributes: {},
      });
    }
    modules.push({ key: module.key, name: module.name, records });
  }
  return { organizations, modules, mappings };
}

function variant(base: string, random: () => number, pick: <T>(list: readonly T[]) => T): string {
  let name = base;
  const roll = random();
  if (roll < 0.2) name = name.toUpperCase();
  else if (roll < 0.3) name = name.toLowerCase();
  if (random() < 0.3) {
    for (const [pattern, short] of ABBREVIATIONS) if (pattern.test(name)) name = name.replace(pattern, short);
  }
  if (random() < 0.5) name = `${name}${random() < 0.5 ? "," : ""} ${pick(LEGAL)}`.trim();
  if (random() < 0.1) name = `The ${name}`;
  return name.replace(/,$/, "");
}
