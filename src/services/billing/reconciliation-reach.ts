import { kindKey } from "../../db/reconciliation.repository.ts";

/** What `kindKey` puts between the module and the billing type. */
const KIND_SEPARATOR = kindKey("", "");

/**
 * Which rows of a period's snapshot a set of changes can reach, and what must be read to compute
 * them again (a snapshot changed in place, migration 0024). Pure: the service reads, this decides.
 *
 * A row depends on:
 * - `o:<organization>:s:<service>`: the pairs of the billing types mapped to the service, of every
 *   module organization mapped to the organization at some time in the period, and the
 *   organization's contracts and name;
 * - `u:<module organization>:<billing type>`: that module organization's pairs and mappings;
 * - `t:<module>:<billing type>`: every pair of that kind (one row adds up all organizations).
 * A `t:` row is the sum of each organization's part (`reconciliation_type_parts`): only the parts
 * reached are computed again, then the kind's parts are added up.
 * So a changed reading (one pair) reaches one service's row (or its kind's part, when no service
 * is mapped to the kind) of each organization its module organization was mapped to in the
 * period, and its module organization's unmapped rows; a changed mapping (or name) of a module
 * organization reaches every row of those organizations; a changed organization or contract every
 * row of that organization.
 */

export interface Kind {
  moduleKey: string;
  billingType: string;
}

export interface ReachInput {
  /** Module organizations changed as a whole: mappings, name, a piece near the snapshot's instant. */
  moduleOrganizationIds: readonly string[];
  /** Readings that changed: (module organization, billing type). */
  pairs: readonly { moduleOrganizationId: string; billingType: string }[];
  /** Organizations changed as a whole: name, PSA id, contracts. */
  organizationIds: readonly string[];
  /** The module of every module organization named above. */
  moduleKeys: ReadonlyMap<string, string>;
  /** The organizations every module organization named above was mapped to in the period. */
  mappedTo: ReadonlyMap<string, readonly string[]>;
  serviceMappings: readonly (Kind & { psaServiceId: string })[];
}

export interface Reach {
  /** Every row of these organizations. */
  organizationIds: string[];
  /** These rows (organization, PSA service), of organizations not above. */
  organizationServices: { organizationId: string; psaServiceId: string }[];
  /** These module organizations' unmapped usage rows; they are read whole. */
  moduleOrganizationIds: string[];
  /**
   * These organizations' parts of `t:` rows (a kind with no service mapping), of organizations
   * not in `organizationIds` (all of whose parts are reached).
   */
  typeParts: { organizationId: string; kind: string }[];
}

export function reachOf(input: ReachInput): Reach {
  const serviceOf = new Map(
    input.serviceMappings.map((m) => [kindKey(m.moduleKey, m.billingType), m.psaServiceId]),
  );
  const organizations = new Set(input.organizationIds);
  for (const id of input.moduleOrganizationIds) {
    for (const organizationId of input.mappedTo.get(id) ?? []) organizations.add(organizationId);
  }
  const services = new Map<string, { organizationId: string; psaServiceId: string }>();
  const moduleOrganizations = new Set(input.moduleOrganizationIds);
  const typeParts = new Map<string, { organizationId: string; kind: string }>();
  for (const pair of input.pairs) {
    moduleOrganizations.add(pair.moduleOrganizationId);
    const moduleKey = input.moduleKeys.get(pair.moduleOrganizationId);
    if (moduleKey === undefined) continue;
    const kind = kindKey(moduleKey, pair.billingType);
    const psaServiceId = serviceOf.get(kind);
    for (const organizationId of input.mappedTo.get(pair.moduleOrganizationId) ?? []) {
      if (organizations.has(organizationId)) continue;
      if (psaServiceId === undefined) typeParts.set(`${organizationId} ${kind}`, { organizationId, kind });
      else services.set(`${organizationId} ${psaServiceId}`, { organizationId, psaServiceId });
    }
  }
  return {
    organizationIds: [...organizations],
    organizationServices: [...services.values()],
    moduleOrganizationIds: [...moduleOrganizations],
    typeParts: [...typeParts.values()],
  };
}

/** What to read to compute a reach's rows again (`ReconciliationRepository.usageColumnsForPeriod`). */
export interface ReadPlan {
  /** Every pair of these module organizations. */
  moduleOrganizationIds: string[];
  /** Per billing type, the pairs of these module organizations of that type. */
  pairs: { billingType: string; moduleOrganizationIds: string[] }[];
  /** Every pair of these kinds (none: a `t:` row is added up from its parts). */
  kinds: Kind[];
}

/**
 * The pairs a reach's rows draw on. `mapped`: every module organization mapped in the period to an
 * organization of the reach (any list), with its module.
 */
export function readPlan(
  reach: Reach,
  mapped: readonly { moduleOrganizationId: string; organizationId: string; moduleKey: string }[],
  serviceMappings: readonly (Kind & { psaServiceId: string })[],
): ReadPlan {
  const whole = new Set(reach.moduleOrganizationIds);
  const organizations = new Set(reach.organizationIds);
  // Per organization of the listed rows, the kinds its reached services are mapped from.
  const kindsOfService = new Map<string, Kind[]>();
  for (const m of serviceMappings) {
    const list = kindsOfService.get(m.psaServiceId);
    if (list) list.push(m);
    else kindsOfService.set(m.psaServiceId, [m]);
  }
  const kindsOf = new Map<string, Kind[]>();
  const addKinds = (organizationId: string, kinds: readonly Kind[]) => {
    const list = kindsOf.get(organizationId) ?? [];
    list.push(...kinds);
    kindsOf.set(organizationId, list);
  };
  for (const { organizationId, psaServiceId } of reach.organizationServices)
    addKinds(organizationId, kindsOfService.get(psaServiceId) ?? []);
  for (const { organizationId, kind } of reach.typeParts) {
    const at = kind.indexOf(KIND_SEPARATOR);
    addKinds(organizationId, [{ moduleKey: kind.slice(0, at), billingType: kind.slice(at + 1) }]);
  }
  const byType = new Map<string, Set<string>>();
  for (const m of mapped) {
    if (organizations.has(m.organizationId)) {
      whole.add(m.moduleOrganizationId);
      continue;
    }
    for (const kind of kindsOf.get(m.organizationId) ?? []) {
      if (kind.moduleKey !== m.moduleKey) continue;
      let ids = byType.get(kind.billingType);
      if (!ids) {
        ids = new Set();
        byType.set(kind.billingType, ids);
      }
      ids.add(m.moduleOrganizationId);
    }
  }
  return {
    moduleOrganizationIds: [...whole],
    pairs: [...byType].map(([billingType, ids]) => ({
      billingType,
      moduleOrganizationIds: [...ids].filter((id) => !whole.has(id)),
    })),
    kinds: [],
  };
}
