import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../test/support/seeded-random.ts";
import { UnorderedUsage, UsageColumnsBuilder } from "./usage-columns.ts";

interface Row {
  id: string;
  module: string;
  type: string;
  quantity: number;
  reason: number;
  from: number;
  to: number;
}

describe("UnorderedUsage", () => {
  it("puts intervals taken in any order in the builder's order: ids, billing types by code point, oldest first", () => {
    const random = seededRandom(3);
    const ids = ["0f", "a0", "a1", "ff", "10"].map((s) => `${s}000000-0000-4000-8000-000000000000`);
    const types = ["devices", "devices.server", "😀", "\uffef-type", "Seats", "é-type"];
    const rows: Row[] = [];
    for (const [n, id] of ids.entries()) {
      for (const type of types.slice(0, 2 + (n % 4))) {
        let at = 1_000 * n;
        for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
          const length = 1 + Math.floor(random() * 50);
          const unknown = random() < 0.2;
          rows.push({
            id,
            module: `m${n % 2}`,
            type,
            quantity: unknown ? NaN : k,
            reason: unknown ? 1 : 0,
            from: at,
            to: at + length,
          });
          at += length;
        }
      }
    }
    const mappings = [...ids].sort().map((id, k) => ({
      moduleOrganizationId: id,
      organizationId: k % 2 === 0 ? `org-${k}` : null,
      isExcluded: k === 3,
      from: 0,
      to: Infinity,
    }));

    // Expected: the rows sorted as the database sorted them, through the builder.
    const codePoints = (text: string) => [...text].map((c) => c.codePointAt(0)!);
    const compare = (a: number[], b: number[]) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    };
    const sorted = [...rows].sort(
      (a, b) =>
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
        compare(codePoints(a.type), codePoints(b.type)) ||
        a.from - b.from,
    );
    const builder = new UsageColumnsBuilder();
    let current = "";
    let type = "";
    let index = -1;
    for (const row of sorted) {
      if (row.id !== current) {
        current = row.id;
        type = "";
        index = builder.moduleOrganization(row.id);
        for (const m of mappings.filter((m) => m.moduleOrganizationId === row.id))
          builder.mapping(m.organizationId, m.isExcluded, m.from, m.to);
      }
      if (row.type !== type) {
        type = row.type;
        builder.pair(index, row.module, row.type);
      }
      builder.interval(row.quantity, row.reason, row.from, row.to);
    }
    const expected = builder.done();

    for (let round = 0; round < 5; round++) {
      const shuffled = [...rows];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const usage = new UnorderedUsage();
      for (const row of shuffled) {
        usage.interval(
          usage.moduleOrganization(row.id, row.module),
          usage.billingType(row.type),
          row.quantity,
          row.reason,
          row.from,
          row.to,
        );
      }
      expect(usage.columns(mappings)).toEqual(expected);
    }
  });
});
