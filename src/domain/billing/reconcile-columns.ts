import {
  type DraftCore,
  type PeriodInput,
  psaOnlyDrafts,
  type RowBillingTypeRef,
  type ServiceMappingInput,
  type SettledRow,
  settle,
} from "./reconcile-period.ts";
import type { UsageColumns } from "./usage-columns.ts";

/**
 * `reconcilePeriod`'s rows for a whole period, computed from columns of numbers (`UsageColumns`)
 * instead of objects: the same attribution (rule 12), staleness and unknowns (rule 13), policies and
 * row kinds (rule 14), in the same order, without the drill-down (the row's sources are counted,
 * its steps not kept: `rowTrace` works them out for the one row asked). What a period of 50,000
 * organizations can afford: no Date, no per-step list of covering pieces, no string keys per piece.
 * `reconcilePeriod` stays the reference: `reconcile-columns.test.ts` checks both give the same rows
 * on seeded random worlds.
 */

/** A row as stored: the drill-down's sources only counted (distinct module organizations). */
export type PeriodRowSummary = SettledRow & { sourceCount: number };

export interface ColumnsInput extends Omit<PeriodInput, "usage" | "mappings"> {
  usage: UsageColumns;
}

/** Growable scratch arrays (one pair's intervals, cuts, segments; one organization's edges). */
class Scratch {
  f = new Float64Array(16);
  ensure(size: number): Float64Array {
    if (this.f.length < size) this.f = new Float64Array(Math.max(size, this.f.length * 2));
    return this.f;
  }
}

class Growable {
  f64: Float64Array;
  length = 0;
  constructor(size = 1024) {
    this.f64 = new Float64Array(size);
  }
  push(value: number) {
    if (this.length === this.f64.length) {
      const grown = new Float64Array(this.f64.length * 2);
      grown.set(this.f64);
      this.f64 = grown;
    }
    this.f64[this.length++] = value;
  }
}

/** Sorts the first `n` values ascending and drops repeats; returns the distinct count. */
function sortDistinct(values: Float64Array, n: number): number {
  if (n > 24) {
    const sorted = values.subarray(0, n).sort();
    values.set(sorted);
  } else {
    for (let i = 1; i < n; i++) {
      const v = values[i]!;
      let j = i - 1;
      while (j >= 0 && values[j]! > v) {
        values[j + 1] = values[j]!;
        j--;
      }
      values[j + 1] = v;
    }
  }
  let distinct = 0;
  for (let i = 0; i < n; i++)
    if (i === 0 || values[i] !== values[distinct - 1]) values[distinct++] = values[i]!;
  return distinct;
}

/** Equal, with NaN (unknown, none) equal to NaN. */
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

interface Draft extends DraftCore {
  kinds: number[];
  /** The row's rank in order of making (the stored order). */
  index: number;
}

/** The desired units of one set of pieces (`desiredUnits`' result for one organization). */
interface Desired {
  units: number | null;
  isStale: boolean;
}

/** `desiredOf`'s answer, written in place: it runs once per (organization, billing type). */
const out: Desired = { units: null, isStale: false };
const answer = (units: number | null, isStale: boolean): Desired => {
  out.units = units;
  out.isStale = isStale;
  return out;
};

/**
 * Pieces: the attributed segments of a period, cut at the deciding instant (`limit`). Each is a
 * module organization's stretch with one organization (or none) and one usage state.
 */
class Pieces {
  kind = new Growable();
  organization = new Growable();
  moduleOrganization = new Growable();
  from = new Growable();
  to = new Growable();
  /** Units counted (the last known while unknown); NaN: none. */
  counted = new Growable();
  /** 1 while the quantity is unknown. */
  unknown = new Growable();
  get length() {
    return this.kind.length;
  }
  push(
    kind: number,
    organization: number,
    mo: number,
    from: number,
    to: number,
    counted: number,
    unknown: number,
  ) {
    this.kind.push(kind);
    this.organization.push(organization);
    this.moduleOrganization.push(mo);
    this.from.push(from);
    this.to.push(to);
    this.counted.push(counted);
    this.unknown.push(unknown);
  }
}

/**
 * Desired units of the pieces `list[0..n)` (indexes into `pieces`): `desiredUnits` for one
 * organization. "latest": the pieces in force at the deciding instant (the ones ending there: the
 * last step); "peak": the first step with the highest total, by a sweep over the pieces' edges.
 */
function desiredOf(
  pieces: Pieces,
  list: Int32Array,
  offset: number,
  n: number,
  policy: "latest" | "peak",
  limit: number,
  edges: Scratch,
  deltas: Scratch,
): Desired {
  const to = pieces.to.f64;
  const counted = pieces.counted.f64;
  const unknown = pieces.unknown.f64;
  if (policy === "latest") {
    let any = false;
    let known = false;
    let units = 0;
    let unknownSources = 0;
    for (let i = offset; i < offset + n; i++) {
      const p = list[i]!;
      if (to[p] !== limit) continue;
      any = true;
      const c = counted[p]!;
      if (!Number.isNaN(c)) {
        units += c;
        known = true;
      }
      if (unknown[p] === 1) unknownSources++;
    }
    if (!any) return answer(0, false);
    return answer(known ? units : null, unknownSources > 0);
  }
  const from = pieces.from.f64;
  let isStale = false;
  for (let i = offset; i < offset + n; i++) if (unknown[list[i]!] === 1) isStale = true;
  if (n === 1) {
    const c = counted[list[offset]!]!;
    return answer(Number.isNaN(c) ? null : c, isStale);
  }
  const e = edges.ensure(2 * n);
  for (let i = 0; i < n; i++) {
    const p = list[offset + i]!;
    e[2 * i] = from[p]!;
    e[2 * i + 1] = to[p]!;
  }
  const count = sortDistinct(e, 2 * n);
  // Per edge: units, known pieces and covering pieces starting (+) and ending (-) there.
  const d = deltas.ensure(3 * count);
  d.fill(0, 0, 3 * count);
  const at = (value: number) => {
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let i = offset; i < offset + n; i++) {
    const p = list[i]!;
    const c = counted[p]!;
    const s = 3 * at(from[p]!);
    const t = 3 * at(to[p]!);
    if (!Number.isNaN(c)) {
      d[s]! += c;
      d[t]! -= c;
      d[s + 1]! += 1;
      d[t + 1]! -= 1;
    }
    d[s + 2]! += 1;
    d[t + 2]! -= 1;
  }
  let units = 0;
  let known = 0;
  let covering = 0;
  let found = false;
  let bestUnits = 0;
  let bestKnown = false;
  for (let i = 0; i + 1 < count; i++) {
    units += d[3 * i]!;
    known += d[3 * i + 1]!;
    covering += d[3 * i + 2]!;
    if (covering === 0) continue;
    if (!found || units > bestUnits) {
      found = true;
      bestUnits = units;
      bestKnown = known > 0;
    }
  }
  return answer(bestKnown ? bestUnits : null, isStale);
}

const addUnits = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

/** The period's rows, as `reconcilePeriod` gives them (without sources and steps: `sourceCount`). */
export function reconcileColumns(input: ColumnsInput): PeriodRowSummary[] {
  const u = input.usage;
  const start = input.period.start.getTime();
  const end = input.period.end.getTime();
  const limit = Math.min(input.asOf.getTime(), end);
  const serviceMappings = new Map(
    input.serviceMappings.map((m) => [`${m.moduleKey}\u0000${m.billingType}`, m]),
  );
  const kindMapping: (ServiceMappingInput | undefined)[] = u.kinds.map((k) =>
    serviceMappings.get(`${k.moduleKey}\u0000${k.billingType}`),
  );
  const kindStaleFrom = u.kinds.map((k) => input.staleFrom.get(k.moduleKey)?.getTime() ?? NaN);

  // Pass 1: every pair attributed (attributeUsage with withStaleness), its mapped pieces kept per
  // (module, billing type), its unmapped ones decided at once (a `u:` row).
  const pieces = new Pieces();
  const kindOrder: number[] = [];
  const kindSeen = new Uint8Array(u.kinds.length);
  const unmapped: { pair: number; desired: Desired }[] = [];
  const usage = new Scratch();
  const usageTo = new Scratch();
  const usageQuantity = new Scratch();
  const usageReason = new Scratch();
  const cuts = new Scratch();
  const seg = {
    from: new Scratch(),
    to: new Scratch(),
    org: new Scratch(),
    q: new Scratch(),
    r: new Scratch(),
    last: new Scratch(),
  };
  const edges = new Scratch();
  const deltas = new Scratch();
  let looseList = new Int32Array(16);
  for (let p = 0; p < u.pairCount; p++) {
    const kind = u.pairKind[p]!;
    const mo = u.pairModuleOrganization[p]!;
    const first = u.pairStart[p]!;
    let n = u.pairStart[p + 1]! - first;
    const uf = usage.ensure(n + 1);
    const ut = usageTo.ensure(n + 1);
    const uq = usageQuantity.ensure(n + 1);
    const ur = usageReason.ensure(n + 1);
    for (let i = 0; i < n; i++) {
      uf[i] = u.intervalFrom[first + i]!;
      ut[i] = u.intervalTo[first + i]!;
      uq[i] = u.intervalQuantity[first + i]!;
      ur[i] = u.intervalReason[first + i]!;
    }
    // withStaleness: a stale module's open, known interval turns unknown ("stale") from then on.
    const staleFrom = kindStaleFrom[kind]!;
    if (!Number.isNaN(staleFrom) && n > 0) {
      const last = n - 1;
      if (ut[last] === Infinity && !Number.isNaN(uq[last]!) && !(uf[last]! >= staleFrom)) {
        ut[last] = staleFrom;
        uf[n] = staleFrom;
        ut[n] = Infinity;
        uq[n] = NaN;
        ur[n] = 3;
        n++;
      }
    }
    // attributeUsage: cut the period at every edge of the mappings and the usage inside it.
    const mapFirst = u.mappingStart[mo]!;
    const mapEnd = u.mappingStart[mo + 1]!;
    const c = cuts.ensure(2 + 2 * n + 2 * (mapEnd - mapFirst));
    let cutCount = 0;
    c[cutCount++] = start;
    c[cutCount++] = end;
    for (let m = mapFirst; m < mapEnd; m++) {
      const f = u.mappingFrom[m]!;
      const t = u.mappingTo[m]!;
      if (f > start && f < end) c[cutCount++] = f;
      if (t > start && t < end) c[cutCount++] = t;
    }
    for (let i = 0; i < n; i++) {
      if (uf[i]! > start && uf[i]! < end) c[cutCount++] = uf[i]!;
      if (ut[i]! > start && ut[i]! < end) c[cutCount++] = ut[i]!;
    }
    cutCount = sortDistinct(c, cutCount);
    const sf = seg.from.ensure(cutCount);
    const st = seg.to.ensure(cutCount);
    const so = seg.org.ensure(cutCount);
    const sq = seg.q.ensure(cutCount);
    const sr = seg.r.ensure(cutCount);
    const sl = seg.last.ensure(cutCount);
    let segments = 0;
    for (let k = 0; k + 1 < cutCount; k++) {
      const from = c[k]!;
      const to = c[k + 1]!;
      // inForceAt: the latest-starting covering interval, the later one on a tie.
      let reading = -1;
      for (let i = 0; i < n; i++) {
        if (uf[i]! <= from && from < ut[i]! && (reading === -1 || uf[i]! >= uf[reading]!)) reading = i;
      }
      if (reading === -1) continue;
      let mapping = -1;
      for (let m = mapFirst; m < mapEnd; m++) {
        if (
          u.mappingFrom[m]! <= from &&
          from < u.mappingTo[m]! &&
          (mapping === -1 || u.mappingFrom[m]! >= u.mappingFrom[mapping]!)
        ) {
          mapping = m;
        }
      }
      if (mapping !== -1 && u.mappingExcluded[mapping] === 1) continue;
      const organization = mapping === -1 ? -1 : u.mappingOrganization[mapping]!;
      const quantity = uq[reading]!;
      const isUnknown = Number.isNaN(quantity);
      const reason = isUnknown ? (ur[reading] === 0 ? 1 : ur[reading]!) : 0;
      let lastKnown = NaN;
      if (isUnknown) {
        // lastKnownBefore: the latest-starting known interval starting by then, the first on a tie.
        let best = -1;
        for (let i = 0; i < n; i++) {
          if (Number.isNaN(uq[i]!) || uf[i]! > from) continue;
          if (best === -1 || uf[i]! > uf[best]!) best = i;
        }
        if (best !== -1) lastKnown = uq[best]!;
      }
      const previous = segments - 1;
      if (
        previous >= 0 &&
        st[previous] === from &&
        so[previous] === organization &&
        same(sq[previous]!, quantity) &&
        sr[previous] === reason &&
        same(sl[previous]!, lastKnown)
      ) {
        st[previous] = to;
        continue;
      }
      sf[segments] = from;
      st[segments] = to;
      so[segments] = organization;
      sq[segments] = quantity;
      sr[segments] = reason;
      sl[segments] = lastKnown;
      segments++;
    }
    let hasMapped = false;
    let looseCount = 0;
    for (let s = 0; s < segments; s++) {
      if (so[s]! === -1) {
        looseCount++;
        continue;
      }
      hasMapped = true;
      if (sf[s]! >= limit) continue;
      const q = sq[s]!;
      pieces.push(
        kind,
        so[s]!,
        mo,
        sf[s]!,
        Math.min(st[s]!, limit),
        Number.isNaN(q) ? sl[s]! : q,
        Number.isNaN(q) ? 1 : 0,
      );
    }
    if (hasMapped && kindSeen[kind] === 0) {
      kindSeen[kind] = 1;
      kindOrder.push(kind);
    }
    if (looseCount > 0) {
      // The unmapped usage of this pair: its own pieces, one source.
      const base = pieces.length;
      let taken = 0;
      for (let s = 0; s < segments; s++) {
        if (so[s]! !== -1 || sf[s]! >= limit) continue;
        const q = sq[s]!;
        pieces.push(
          -1,
          -1,
          mo,
          sf[s]!,
          Math.min(st[s]!, limit),
          Number.isNaN(q) ? sl[s]! : q,
          Number.isNaN(q) ? 1 : 0,
        );
        taken++;
      }
      if (taken > 0) {
        if (looseList.length < taken) looseList = new Int32Array(Math.max(taken, 16));
        for (let i = 0; i < taken; i++) looseList[i] = base + i;
        const policy = kindMapping[kind]?.policy ?? "latest";
        const desired = desiredOf(pieces, looseList, 0, taken, policy, limit, edges, deltas);
        if (!(desired.units === 0 && !desired.isStale)) {
          unmapped.push({ pair: p, desired: { units: desired.units, isStale: desired.isStale } });
        }
      }
      // Drop them again: they belong to no organization's pieces.
      pieces.kind.length -= taken;
      pieces.organization.length -= taken;
      pieces.moduleOrganization.length -= taken;
      pieces.from.length -= taken;
      pieces.to.length -= taken;
      pieces.counted.length -= taken;
      pieces.unknown.length -= taken;
    }
  }

  // Pass 2: per (module, billing type) in order of appearance, per organization in order of its
  // first piece: desiredUnits, summed into rows (`o:` per organization and service, `t:` per
  // billing type with no service mapping).
  const pieceCount = pieces.length;
  const kindCount = u.kinds.length;
  const byKindStart = new Int32Array(kindCount + 1);
  const pieceKind = pieces.kind.f64;
  for (let i = 0; i < pieceCount; i++) byKindStart[pieceKind[i]! + 1]!++;
  for (let k = 0; k < kindCount; k++) byKindStart[k + 1]! += byKindStart[k]!;
  const byKind = new Int32Array(pieceCount);
  {
    const fill = byKindStart.slice(0, kindCount);
    for (let i = 0; i < pieceCount; i++) byKind[fill[pieceKind[i]!]!++] = i;
  }
  const organizationCount = u.organizationIds.length;
  const organizationSlot = new Int32Array(organizationCount).fill(-1);
  const slotOrganization = new Int32Array(Math.max(1, organizationCount));
  const slotStart = new Int32Array(organizationCount + 1);
  const byOrganization = new Int32Array(pieceCount);
  const pieceOrganization = pieces.organization.f64;
  const pieceMo = pieces.moduleOrganization.f64;

  const drafts: Draft[] = [];
  const serviceIndex = new Map<string, number>();
  for (const m of input.serviceMappings)
    if (!serviceIndex.has(m.psaServiceId)) serviceIndex.set(m.psaServiceId, serviceIndex.size);
  const services = Math.max(1, serviceIndex.size);
  const organizationRows = new Map<number, Draft>();
  const typeRows = new Map<string, Draft>();
  const refs = new Map<number, RowBillingTypeRef>();
  // One `{ psaId, name }` per service mapping, shared by its rows.
  const serviceRefs = new Map<ServiceMappingInput, { psaId: string; name: string }>();
  const serviceRef = (mapping: ServiceMappingInput) => {
    let ref = serviceRefs.get(mapping);
    if (ref === undefined) {
      ref = { psaId: mapping.psaServiceId, name: mapping.psaServiceName };
      serviceRefs.set(mapping, ref);
    }
    return ref;
  };
  const contributionRow = new Growable();
  const contributionMo = new Growable();

  for (const kind of kindOrder) {
    const a = byKindStart[kind]!;
    const b = byKindStart[kind + 1]!;
    if (a === b) continue;
    const mapping = kindMapping[kind];
    const policy = mapping?.policy ?? "latest";
    const { moduleKey, billingType } = u.kinds[kind]!;
    let ref = refs.get(kind);
    if (!ref) {
      ref = { moduleKey, billingType, policy: mapping?.policy ?? null };
      refs.set(kind, ref);
    }
    // The organizations in order of their first piece, then their pieces together (order kept).
    let slots = 0;
    for (let i = a; i < b; i++) {
      const organization = pieceOrganization[byKind[i]!]!;
      if (organizationSlot[organization] === -1) {
        organizationSlot[organization] = slots;
        slotOrganization[slots] = organization;
        slots++;
      }
    }
    slotStart.fill(0, 0, slots + 1);
    for (let i = a; i < b; i++) slotStart[organizationSlot[pieceOrganization[byKind[i]!]!]! + 1]!++;
    for (let s = 0; s < slots; s++) slotStart[s + 1]! += slotStart[s]!;
    {
      const fill = slotStart.slice(0, slots);
      for (let i = a; i < b; i++) {
        const piece = byKind[i]!;
        byOrganization[fill[organizationSlot[pieceOrganization[piece]!]!]!++] = piece;
      }
    }
    for (let s = 0; s < slots; s++) {
      const organization = slotOrganization[s]!;
      organizationSlot[organization] = -1;
      const offset = slotStart[s]!;
      const n = slotStart[s + 1]! - offset;
      const desired = desiredOf(pieces, byOrganization, offset, n, policy, limit, edges, deltas);
      const organizationId = u.organizationIds[organization]!;
      let row: Draft | undefined;
      if (mapping) {
        const rowKey = organization * services + serviceIndex.get(mapping.psaServiceId)!;
        row = organizationRows.get(rowKey);
        if (!row) {
          row = {
            key: `o:${organizationId}:s:${mapping.psaServiceId}`,
            organizationId,
            service: serviceRef(mapping),
            moduleOrganizationId: null,
            billingTypes: [],
            units: null,
            isStale: false,
            kinds: [],
            index: drafts.length,
          };
          organizationRows.set(rowKey, row);
          drafts.push(row);
        }
      } else {
        const key = `t:${moduleKey}:${billingType}`;
        row = typeRows.get(key);
        if (!row) {
          row = {
            key,
            organizationId: null,
            service: null,
            moduleOrganizationId: null,
            billingTypes: [],
            units: null,
            isStale: false,
            kinds: [],
            index: drafts.length,
          };
          typeRows.set(key, row);
          drafts.push(row);
        }
      }
      if (
        !row.kinds.some((k) => u.kinds[k]!.moduleKey === moduleKey && u.kinds[k]!.billingType === billingType)
      ) {
        row.kinds.push(kind);
      }
      row.units = addUnits(row.units, desired.units);
      row.isStale ||= desired.isStale;
      // Its sources: each module organization's pieces lie together (one pair per module organization here).
      let previous = -1;
      for (let i = offset; i < offset + n; i++) {
        const mo = pieceMo[byOrganization[i]!]!;
        if (mo === previous) continue;
        previous = mo;
        contributionRow.push(row.index);
        contributionMo.push(mo);
      }
    }
  }

  // The rows' billing types: one shared list per combination (most rows have one).
  const lists = new Map<string, RowBillingTypeRef[]>();
  for (const row of drafts) {
    const key = row.kinds.join(",");
    let list = lists.get(key);
    if (!list) {
      list = row.kinds.map((k) => refs.get(k)!);
      lists.set(key, list);
    }
    row.billingTypes = list;
  }
  const sourceCounts = distinctPerRow(
    drafts.length,
    contributionRow,
    contributionMo,
    u.moduleOrganizationIds.length,
  );

  const rows: PeriodRowSummary[] = [];
  for (const row of drafts) {
    const settled = settle(input, row);
    if (settled) rows.push(Object.assign(settled, { sourceCount: sourceCounts[row.index]! }));
  }
  // Unmapped usage, a row per pair (one mapping fixes it).
  const unmappedLists = new Map<number, RowBillingTypeRef[]>();
  for (const { pair, desired } of unmapped) {
    const kind = u.pairKind[pair]!;
    const mapping = kindMapping[kind];
    const { moduleKey, billingType } = u.kinds[kind]!;
    let list = unmappedLists.get(kind);
    if (!list) {
      list = [{ moduleKey, billingType, policy: mapping?.policy ?? null }];
      unmappedLists.set(kind, list);
    }
    const moduleOrganizationId = u.moduleOrganizationIds[u.pairModuleOrganization[pair]!]!;
    const settled = settle(input, {
      key: `u:${moduleOrganizationId}:${billingType}`,
      organizationId: null,
      service: mapping ? serviceRef(mapping) : null,
      moduleOrganizationId,
      billingTypes: list,
      units: desired.units,
      isStale: desired.isStale,
    });
    if (settled) rows.push(Object.assign(settled, { sourceCount: 1 }));
  }
  // The PSA's billed contract services no usage asks for.
  const organizationIndex = new Map(u.organizationIds.map((id, index) => [id, index]));
  const psaOnly = psaOnlyDrafts(input, (organizationId, servicePsaId) => {
    const organization = organizationIndex.get(organizationId);
    const service = serviceIndex.get(servicePsaId);
    return (
      organization !== undefined &&
      service !== undefined &&
      organizationRows.has(organization * services + service)
    );
  });
  for (const d of psaOnly) {
    const settled = settle(input, d);
    if (settled) rows.push(Object.assign(settled, { sourceCount: 0 }));
  }
  return rows;
}

/** Distinct module organizations per row, from (row, module organization) contributions. */
function distinctPerRow(rowCount: number, rows: Growable, mos: Growable, moCount: number): Int32Array {
  const counts = new Int32Array(rowCount);
  const start = new Int32Array(rowCount + 1);
  for (let i = 0; i < rows.length; i++) start[rows.f64[i]! + 1]!++;
  for (let r = 0; r < rowCount; r++) start[r + 1]! += start[r]!;
  const ordered = new Int32Array(rows.length);
  const fill = start.slice(0, rowCount);
  for (let i = 0; i < rows.length; i++) ordered[fill[rows.f64[i]!]!++] = mos.f64[i]!;
  const stamp = new Int32Array(moCount).fill(-1);
  for (let r = 0; r < rowCount; r++) {
    for (let i = start[r]!; i < start[r + 1]!; i++) {
      const mo = ordered[i]!;
      if (stamp[mo] === r) continue;
      stamp[mo] = r;
      counts[r]!++;
    }
  }
  return counts;
}
