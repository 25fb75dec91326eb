import { longName, type RecordFault, recordFaultAt } from "./vendor-server.ts";

/** Where a generated vendor record keeps its id and name, so record faults can break them. */
export interface RecordShape<T> {
  make: (index: number) => T;
  idOf: (record: T) => unknown;
  setId: (record: T, id: unknown) => void;
  setName: (record: T, name: unknown) => void;
}

/**
 * The record at `index` of a deterministic generated list, with any record fault applied.
 * Generating by index means a page can be served without holding the whole list in memory.
 */
export function generatedRecord<T>(shape: RecordShape<T>, index: number, faults?: readonly RecordFault[]): T {
  const record = shape.make(index);
  const fault = recordFaultAt(faults, index);
  if (!fault) return record;
  switch (fault.kind) {
    case "no-id":
      shape.setId(record, undefined);
      break;
    case "no-name":
      shape.setName(record, undefined);
      break;
    case "long-name":
      shape.setName(record, longName());
      break;
    case "duplicate-id":
      shape.setId(record, shape.idOf(shape.make(Math.max(0, index - 1))));
      break;
  }
  return record;
}

/** Records `from` (inclusive) to `to` (exclusive) of a list given explicitly or generated. */
export function recordSlice<T>(
  source: { records?: readonly unknown[]; count?: number; recordFaults?: readonly RecordFault[] },
  shape: RecordShape<T>,
  from: number,
  to: number,
): unknown[] {
  if (source.records) return source.records.slice(from, to);
  const end = Math.min(to, source.count ?? 0);
  const out: unknown[] = [];
  for (let index = from; index < end; index++) out.push(generatedRecord(shape, index, source.recordFaults));
  return out;
}

/** How many records the list holds. */
export function recordCount(source: { records?: readonly unknown[]; count?: number }): number {
  return source.records?.length ?? source.count ?? 0;
}
