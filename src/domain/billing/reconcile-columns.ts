import { type IndexedPsaSide, OrganizationSides } from "./psa-contract-index.ts";
import {
  type DraftCore,
  type PeriodInput,
  psaOnlyDrafts,
  type RowBillingTypeRef,
  type ServiceMappingInput,
  type SettledRow,
  settle,
  settleWith,
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
  /**
   * When given, receives each organization's part of every `t:` row (a billing type with no
   * service mapping adds up all organizations): what a snapshot changed in place adds up again
   * after recomputing only some organizations' parts (migration 0024).
   */
  typeParts?: TypePart[];
}

/** One organization's part of a `t:` row: its desired units, staleness and module organizations. */
export interface TypePart {
  moduleKey: string;
  billingType: string;
  organizationId: string;
  /** Null: unknown. */
  units: number | null;
  isStale: boolean;
  moduleOrganizationIds: string[];
}

/** Growable scratch arrays (one pair's intervals, cuts, segments; one organization's edges). */
class Scratch {
  f = new Float64Array(16);
  ensure(size: number): Float64Array {
    if (this.f.length < size) this.f = new Float64Array(Math.max(size, this.f.length * 2));
    return this.f;
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
 * module organization's stretch with one organization (or none) and one usage state. Room is made
 * once per pair (`reserve`), then each piece is written in place.
 */
class Pieces {
  length = 0;
  kind: Int32Array;
  organization: Int32Array;
  moduleOrganization: Int32Array;
  from: Float64Array;
  to: Float64Array;
  /** Units counted (the last known while unknown); NaN: none. */
  counted: Float64Array;
  /** 1 while the quantity is unknown. */
  unknown: Uint8Array;
  constructor(size: number) {
    this.kind = new Int32Array(size);
    this.organization = new Int32Array(size);
    this.moduleOrganization = new Int32Array(size);
    this.from = new Float64Array(size);
    this.to = new Float64Array(size);
    this.counted = new Float64Array(size);
    this.unknown = new Uint8Array(size);
  }
  /** Room for `extra` more pieces. */
  reserve(extra: number) {
    const need = this.length + extra;
    if (need <= this.kind.length) return;
    const size = Math.max(need, this.kind.length * 2);
    const n = this.length;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, made: T): T => {
      made.set(old.subarray(0, n));
      return made;
    };
    this.kind = grow(this.kind, new Int32Array(size));
    this.organization = grow(this.organization, new Int32Array(size));
    this.moduleOrganization = grow(this.moduleOrganization, new Int32Array(size));
    this.from = grow(this.from, new Float64Array(size));
    this.to = grow(this.to, new Float64Array(size));
    this.counted = grow(this.counted, new Float64Array(size));
    this.unknown = grow(this.unknown, new Uint8Array(size));
  }
  /** Writes a piece (after `reserve`). */
  push(
    kind: number,
    organization: number,
    mo: number,
    from: number,
    to: number,
    counted: number,
    unknown: number,
  ) {
    const i = this.length++;
    this.kind[i] = kind;
    this.organization[i] = organization;
    this.moduleOrganization[i] = mo;
    this.from[i] = from;
    this.to[i] = to;
    this.counted[i] = counted;
    this.unknown[i] = unknown;
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
  const to = pieces.to;
  const counted = pieces.counted;
  const unknown = pieces.unknown;
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
  const from = pieces.from;
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
  // Room for about every pair's pieces at once (1.33 M for 600,000 pairs and 1.47 M intervals).
  const pieces = new Pieces(Math.max(1024, u.intervalFrom.length + u.pairCount));
  const kindOrder: number[] = [];
  const kindSeen = new Uint8Array(u.kinds.length);
  // The unmapped pairs' rows: pair, desired units (NaN: unknown), stale (1).
  const unmappedPair: number[] = [];
  const unmappedUnits: number[] = [];
  const unmappedStale: number[] = [];
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
    pieces.reserve(segments);
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
          unmappedPair.push(p);
          unmappedUnits.push(desired.units === null ? NaN : desired.units);
          unmappedStale.push(desired.isStale ? 1 : 0);
        }
      }
      // Drop them again: they belong to no organization's pieces.
      pieces.length -= taken;
    }
  }

  // Pass 2: per (module, billing type) in order of appearance, per organization in order of its
  // first piece: desiredUnits, summed into rows (`o:` per organization and service, `t:` per
  // billing type with no service mapping). Rows are columns, by their rank in order of making.
  const pieceCount = pieces.length;
  const kindCount = u.kinds.length;
  const byKindStart = new Int32Array(kindCount + 1);
  const pieceKind = pieces.kind;
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
  const pieceOrganization = pieces.organization;
  const pieceMo = pieces.moduleOrganization;

  const serviceIndex = new Map<string, number>();
  for (const m of input.serviceMappings)
    if (!serviceIndex.has(m.psaServiceId)) serviceIndex.set(m.psaServiceId, serviceIndex.size);
  const psa = input.psa;
  // Per service (by index): its list price.
  const listPrice: (bigint | null)[] = [];
  for (const psaServiceId of serviceIndex.keys())
    listPrice.push(psa ? (psa.servicePrices.get(psaServiceId) ?? null) : null);
  // Per kind: its service (by index; -1: no service mapping) and one `{ psaId, name }` shared by its rows.
  const kindService = new Int32Array(kindCount).fill(-1);
  const kindServiceRef: ({ psaId: string; name: string } | null)[] = [];
  for (let k = 0; k < kindCount; k++) {
    const mapping = kindMapping[k];
    kindServiceRef.push(mapping ? { psaId: mapping.psaServiceId, name: mapping.psaServiceName } : null);
    if (mapping) kindService[k] = serviceIndex.get(mapping.psaServiceId)!;
  }
  const kindRef: (RowBillingTypeRef | undefined)[] = new Array(kindCount).fill(undefined);

  /** A `t:` row's key (an `o:` row's is made when it settles). */
  // Typed columns, room for a row per (kind, organization) at most: one per piece.
  let rowCount = 0;
  /** A `t:` row's key (an `o:` row's is made when it settles). */
  const rowKey = new Map<number, string>();
  /** The row's organization (index); -1 for a `t:` row. */
  const rowOrganization = new Int32Array(pieceCount);
  /** The kind that made the row (its service, its first billing type) and the last one added. */
  const rowKind = new Int32Array(pieceCount);
  const rowLastKind = new Int32Array(pieceCount);
  /** A row of several kinds: all of them, in order. */
  const rowMoreKinds = new Map<number, number[]>();
  /** NaN: unknown. */
  const rowUnits = new Float64Array(pieceCount);
  const rowStale = new Uint8Array(pieceCount);
  const newRow = (organization: number, kind: number) => {
    const row = rowCount++;
    rowOrganization[row] = organization;
    rowKind[row] = kind;
    rowLastKind[row] = kind;
    rowUnits[row] = NaN;
    return row;
  };
  // (organization, service) -> its row (-1: none yet), a table over the services the kinds map to.
  const tableService = new Int32Array(serviceIndex.size).fill(-1);
  let tableServices = 0;
  for (let k = 0; k < kindCount; k++) {
    const service = kindService[k]!;
    if (service !== -1 && tableService[service] === -1) tableService[service] = tableServices++;
  }
  const organizationRow = new Int32Array(organizationCount * tableServices).fill(-1);
  const typeRows = new Map<string, number>();
  // (row, module organization) per run of a module organization's pieces in a row.
  const contributionRow = new Int32Array(pieceCount);
  const contributionMo = new Int32Array(pieceCount);
  let contributions = 0;

  for (const kind of kindOrder) {
    const a = byKindStart[kind]!;
    const b = byKindStart[kind + 1]!;
    if (a === b) continue;
    const mapping = kindMapping[kind];
    const policy = mapping?.policy ?? "latest";
    const service = kindService[kind]!;
    const { moduleKey, billingType } = u.kinds[kind]!;
    kindRef[kind] ??= { moduleKey, billingType, policy: mapping?.policy ?? null };
    // A billing type with no service mapping: one row for every organization.
    let typeRow = -1;
    if (!mapping) {
      const key = `t:${moduleKey}:${billingType}`;
      typeRow = typeRows.get(key) ?? -1;
      if (typeRow === -1) {
        typeRow = newRow(-1, kind);
        rowKey.set(typeRow, key);
        typeRows.set(key, typeRow);
      }
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
      let row = typeRow;
      if (mapping) {
        const rowAt = organization * tableServices + tableService[service]!;
        row = organizationRow[rowAt]!;
        if (row === -1) {
          // Its key is made when it settles (next to the row; none for a row with nothing to bill).
          row = newRow(organization, kind);
          organizationRow[rowAt] = row;
        }
      }
      // Kinds come one after the other: a kind already in the row is its last one.
      if (rowLastKind[row] !== kind) {
        let more = rowMoreKinds.get(row);
        if (more === undefined) {
          more = [rowKind[row]!];
          rowMoreKinds.set(row, more);
        }
        more.push(kind);
        rowLastKind[row] = kind;
      }
      const units = rowUnits[row]!;
      if (desired.units !== null) rowUnits[row] = Number.isNaN(units) ? desired.units : units + desired.units;
      if (desired.isStale) rowStale[row] = 1;
      if (typeRow !== -1 && input.typeParts !== undefined) {
        const ids: string[] = [];
        let last = -1;
        for (let i = offset; i < offset + n; i++) {
          const mo = pieceMo[byOrganization[i]!]!;
          if (mo === last) continue;
          last = mo;
          ids.push(u.moduleOrganizationIds[mo]!);
        }
        input.typeParts.push({
          moduleKey,
          billingType,
          organizationId: u.organizationIds[organization]!,
          units: desired.units,
          isStale: desired.isStale,
          moduleOrganizationIds: [...new Set(ids)],
        });
      }
      // Its sources: each module organization's pieces lie together (one pair per module organization here).
      let previous = -1;
      for (let i = offset; i < offset + n; i++) {
        const mo = pieceMo[byOrganization[i]!]!;
        if (mo === previous) continue;
        previous = mo;
        contributionRow[contributions] = row;
        contributionMo[contributions] = mo;
        contributions++;
      }
    }
  }
  const sourceCounts = distinctPerRow(
    rowCount,
    contributionRow,
    contributionMo,
    contributions,
    u.moduleOrganizationIds.length,
  );

  // The PSA's side of every `o:` row, organization by organization (each one's contracts read
  // once), kept in columns: 0 none (no contract), 1 a contract without the service, 2 with it.
  const sideState = new Uint8Array(rowCount);
  const sideContract: ({ psaId: string; name: string } | null)[] = new Array(rowCount).fill(null);
  const sideUnits = new Float64Array(rowCount);
  const sidePrice: (bigint | null)[] = new Array(rowCount).fill(null);
  const sideInvoiced = new Uint8Array(rowCount);
  if (psa !== null) {
    const start = new Int32Array(organizationCount + 1);
    for (let r = 0; r < rowCount; r++) {
      const organization = rowOrganization[r]!;
      if (organization !== -1) start[organization + 1]!++;
    }
    for (let o = 0; o < organizationCount; o++) start[o + 1]! += start[o]!;
    const ordered = new Int32Array(start[organizationCount]!);
    const fill = start.slice(0, organizationCount);
    for (let r = 0; r < rowCount; r++) {
      const organization = rowOrganization[r]!;
      if (organization !== -1) ordered[fill[organization]!++] = r;
    }
    const serviceNumber = Int32Array.from(serviceIndex.keys(), (id) => psa.serviceNumber(id));
    const sides = new OrganizationSides(psa);
    for (let o = 0; o < organizationCount; o++) {
      if (start[o] === start[o + 1]) continue;
      const psaId = input.organizationPsaIds.get(u.organizationIds[o]!);
      if (psaId === undefined || !sides.load(psaId)) continue;
      for (let i = start[o]!; i < start[o + 1]!; i++) {
        const r = ordered[i]!;
        const n = serviceNumber[kindService[rowKind[r]!]!]!;
        sideContract[r] = sides.contract(n);
        if (!sides.carries(n)) {
          sideState[r] = 1;
          continue;
        }
        sideState[r] = 2;
        sideUnits[r] = sides.psaUnitsOf(n);
        sidePrice[r] = sides.unitPriceOf(n);
        sideInvoiced[r] = sides.isInvoicedOf(n) ? 1 : 0;
      }
    }
  }
  // One side and one draft, rewritten for each row: `settleWith` keeps none of them (it copies the
  // values and the shared refs), so 360,000 rows make no garbage of them.
  const contractService = { psaUnits: 0, unitPrice: null as bigint | null, isInvoiced: false };
  const side: { contract: { psaId: string; name: string }; contractService: typeof contractService | null } =
    {
      contract: { psaId: "", name: "" },
      contractService: null,
    };
  const sideOf = (r: number): IndexedPsaSide => {
    const state = sideState[r]!;
    if (state === 0) return null;
    side.contract = sideContract[r]!;
    if (state === 1) {
      side.contractService = null;
      return side;
    }
    contractService.psaUnits = sideUnits[r]!;
    contractService.unitPrice = sidePrice[r]!;
    contractService.isInvoiced = sideInvoiced[r] === 1;
    side.contractService = contractService;
    return side;
  };
  const draft: DraftCore = {
    key: "",
    organizationId: null,
    service: null,
    moduleOrganizationId: null,
    billingTypes: [],
    units: null,
    isStale: false,
  };
  // An `o:` row's key: its organization's part made once.
  const keyPrefix: (string | undefined)[] = new Array(organizationCount).fill(undefined);

  // The rows' billing types: one shared list per combination (most rows have one).
  const kindLists: (RowBillingTypeRef[] | undefined)[] = new Array(kindCount).fill(undefined);
  const lists = new Map<string, RowBillingTypeRef[]>();
  const billingTypesOf = (row: number): RowBillingTypeRef[] => {
    const kind = rowKind[row]!;
    if (rowLastKind[row] === kind) {
      let list = kindLists[kind];
      if (list === undefined) {
        list = [kindRef[kind]!];
        kindLists[kind] = list;
      }
      return list;
    }
    const kinds = rowMoreKinds.get(row)!;
    const key = kinds.join(",");
    let list = lists.get(key);
    if (!list) {
      list = kinds.map((k) => kindRef[k]!);
      lists.set(key, list);
    }
    return list;
  };

  const rows: PeriodRowSummary[] = [];
  const add = (settled: SettledRow | null, sourceCount: number) => {
    if (settled === null) return;
    const row = settled as PeriodRowSummary;
    row.sourceCount = sourceCount;
    rows.push(row);
  };
  for (let r = 0; r < rowCount; r++) {
    const organization = rowOrganization[r]!;
    const units = rowUnits[r]!;
    const kind = rowKind[r]!;
    const service = organization === -1 ? -1 : kindService[kind]!;
    if (organization === -1) {
      draft.key = rowKey.get(r)!;
      draft.organizationId = null;
      draft.service = null;
    } else {
      let prefix = keyPrefix[organization];
      if (prefix === undefined) {
        prefix = `o:${u.organizationIds[organization]!}:s:`;
        keyPrefix[organization] = prefix;
      }
      draft.key = prefix + kindServiceRef[kind]!.psaId;
      draft.organizationId = u.organizationIds[organization]!;
      draft.service = kindServiceRef[kind]!;
    }
    draft.moduleOrganizationId = null;
    draft.billingTypes = billingTypesOf(r);
    draft.units = Number.isNaN(units) ? null : units;
    draft.isStale = rowStale[r] === 1;
    add(settleWith(draft, sideOf(r), service === -1 ? null : listPrice[service]!), sourceCounts[r]!);
  }
  // Unmapped usage, a row per pair (one mapping fixes it).
  const unmappedLists = new Map<number, RowBillingTypeRef[]>();
  for (let i = 0; i < unmappedPair.length; i++) {
    const pair = unmappedPair[i]!;
    const kind = u.pairKind[pair]!;
    const mapping = kindMapping[kind];
    const { moduleKey, billingType } = u.kinds[kind]!;
    let list = unmappedLists.get(kind);
    if (!list) {
      list = [{ moduleKey, billingType, policy: mapping?.policy ?? null }];
      unmappedLists.set(kind, list);
    }
    const moduleOrganizationId = u.moduleOrganizationIds[u.pairModuleOrganization[pair]!]!;
    const units = unmappedUnits[i]!;
    add(
      settleWith(
        {
          key: `u:${moduleOrganizationId}:${billingType}`,
          organizationId: null,
          service: kindServiceRef[kind]!,
          moduleOrganizationId,
          billingTypes: list,
          units: Number.isNaN(units) ? null : units,
          isStale: unmappedStale[i] === 1,
        },
        null,
        mapping ? listPrice[kindService[kind]!]! : null,
      ),
      1,
    );
  }
  // The PSA's billed contract services no usage asks for (asked organization by organization).
  const organizationIndex = new Map(u.organizationIds.map((id, index) => [id, index]));
  let askedId: string | null = null;
  let asked: number | undefined;
  const psaOnly = psaOnlyDrafts(input, (organizationId, servicePsaId) => {
    if (organizationId !== askedId) {
      askedId = organizationId;
      asked = organizationIndex.get(organizationId);
    }
    const service = serviceIndex.get(servicePsaId);
    if (asked === undefined || service === undefined || tableService[service] === -1) return false;
    return organizationRow[asked * tableServices + tableService[service]!] !== -1;
  });
  for (const d of psaOnly) add(settle(input, d), 0);
  return rows;
}

/** Distinct module organizations per row, from (row, module organization) contributions. */
function distinctPerRow(
  rowCount: number,
  rows: Int32Array,
  mos: Int32Array,
  length: number,
  moCount: number,
): Int32Array {
  const counts = new Int32Array(rowCount);
  const start = new Int32Array(rowCount + 1);
  for (let i = 0; i < length; i++) start[rows[i]! + 1]!++;
  for (let r = 0; r < rowCount; r++) start[r + 1]! += start[r]!;
  const ordered = new Int32Array(length);
  const fill = start.slice(0, rowCount);
  for (let i = 0; i < length; i++) ordered[fill[rows[i]!]!++] = mos[i]!;
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
