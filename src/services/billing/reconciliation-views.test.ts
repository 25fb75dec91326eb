import { describe, expect, it } from "vitest";
import { seededPicker } from "../../../test/support/seeded-random.ts";
import type { StoredRow } from "../../db/reconciliation.repository.ts";
import { formatDecimal, parseDecimal } from "../../domain/billing/money.ts";
import type { PeriodRowSummary } from "../../domain/billing/reconcile-columns.ts";
import type { RowBillingTypeRef } from "../../domain/billing/reconcile-period.ts";
import { RECONCILIATION_STATES } from "../../domain/billing/reconciliation.ts";
import { snapshotTotals } from "./reconciliation-detail.ts";
import { type Names, toStoredRow, toStoredRows } from "./reconciliation-views.ts";

/** Names whose lowercase is tricky (Greek final sigma, dotted capital I) and empty ones. */
const NAMES: Names = {
  organizations: new Map([
    ["org-1", { name: "Acme GmbH", psaId: "P-1" }],
    ["org-2", { name: "ΟΔΟΣ ΣΩΣ", psaId: "" }],
    ["org-3", { name: "", psaId: "P-3" }],
    ["org-4", { name: "İstanbul", psaId: "P-4Σ" }],
  ]),
  modules: new Map([
    ["rmm", { name: "Datto RMM", connectorKind: "datto-rmm" }],
    ["saas", { name: "SaaS ΣΩΣ", connectorKind: null }],
  ]),
  moduleOrganizations: new Map([
    ["mo-1", { moduleKey: "rmm", externalId: "SITE-Σ", name: "Site One" }],
    ["mo-2", { moduleKey: "saas", externalId: "", name: "" }],
    ["mo-3", { moduleKey: "file", externalId: "x-3", name: "ΟΔΟΣ" }],
  ]),
};

/** Random rows as `reconcileColumns` makes them: billing type lists shared by many rows, or not. */
function rows(seed: number): PeriodRowSummary[] {
  const r = seededPicker(seed);
  const type = (): RowBillingTypeRef => ({
    moduleKey: r.pick(["rmm", "saas", "file", "unknown-module"]),
    billingType: r.pick(["devices", "devices.server", "users", "seats_used"]),
    policy: r.pick(["latest", "peak", null] as const),
  });
  const shared = Array.from({ length: 4 }, () => Array.from({ length: 1 + Math.floor(r.next() * 3) }, type));
  const services = [
    { psaId: "s-1", name: "Managed Device" },
    { psaId: "s-2", name: "ΣΕΡΒΙΣ" },
    { psaId: "s-3", name: "" },
  ];
  const contracts = [
    { psaId: "c-1", name: "MSA" },
    { psaId: "c-2", name: "" },
  ];
  const amount = () =>
    r.chance(0.15)
      ? null
      : r.chance(0.05)
        ? BigInt(Number.MAX_SAFE_INTEGER) * BigInt(Math.floor(r.next() * 1000) - 500)
        : BigInt(Math.floor(r.next() * 2_000_000) - 1_000_000);
  const count = 50 + Math.floor(r.next() * 150);
  return Array.from({ length: count }, (_, i): PeriodRowSummary => {
    const kind = r.pick(["o", "u", "t"] as const);
    const money = amount();
    return {
      key: `${kind}:${i}`,
      state: r.pick(RECONCILIATION_STATES),
      organizationId: kind === "o" ? r.pick(["org-1", "org-2", "org-3", "org-4", "org-unknown"]) : null,
      service: kind === "t" || r.chance(0.2) ? null : r.pick(services),
      contract: r.chance(0.3) ? null : r.pick(contracts),
      billingTypes: r.chance(0.7) ? r.pick(shared) : r.chance(0.1) ? [] : [type(), type()],
      moduleOrganizationId: kind === "u" ? r.pick(["mo-1", "mo-2", "mo-3", "mo-unknown"]) : null,
      desiredUnits: r.chance(0.1) ? null : Math.floor(r.next() * 40),
      psaUnits: r.chance(0.3) ? null : Math.floor(r.next() * 40),
      differenceUnits: r.chance(0.3) ? null : Math.floor(r.next() * 40) - 20,
      unitsAtStake: Math.floor(r.next() * 40),
      unitPrice: amount(),
      priceSource: r.pick(["contract", "service", null] as const),
      money,
      isStale: r.chance(0.2),
      isInvoiced: r.chance(0.1),
      sourceCount: Math.floor(r.next() * 5),
    };
  });
}

/** The unfiltered totals added up plainly, one row at a time: what `snapshotTotals` must give. */
function plainTotals(stored: readonly StoredRow[]) {
  type Total = { rows: number; units: number; money: bigint; rowsWithoutMoney: number };
  const byState = new Map<string, Total>();
  const byModule = new Map<string, Total>();
  const unmapped = new Set<string>();
  const add = (map: Map<string, Total>, key: string, row: StoredRow, money: bigint) => {
    const total = map.get(key) ?? { rows: 0, units: 0, money: 0n, rowsWithoutMoney: 0 };
    map.set(key, total);
    total.rows += 1;
    total.units += row.units_at_stake;
    total.money += money;
    if (row.money === null && row.units_at_stake > 0) total.rowsWithoutMoney += 1;
  };
  for (const row of stored) {
    const money = row.abs_money === null ? 0n : (parseDecimal(row.abs_money) ?? 0n);
    add(byState, row.state, row, money);
    for (const moduleKey of row.module_keys) add(byModule, `${moduleKey}\u0000${row.state}`, row, money);
    if (row.state === "unmapped_usage" && row.module_organization_id !== null)
      unmapped.add(row.module_organization_id);
  }
  const view = (t: Total) => ({
    rows: t.rows,
    units: t.units,
    money: formatDecimal(t.money),
    rowsWithoutMoney: t.rowsWithoutMoney,
  });
  return {
    byState: [...byState].map(([state, t]) => ({ state, ...view(t) })),
    byModule: [...byModule].map(([key, t]) => {
      const [moduleKey, state] = key.split("\u0000") as [string, string];
      return { moduleKey, state, ...view(t) };
    }),
    unmappedModuleOrganizations: unmapped.size,
  };
}

describe("the stored form of a period's rows", () => {
  it("toStoredRows gives toStoredRow's row for each row, on 300 seeded sets of rows", () => {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const period = rows(seed);
      const expected = period.map((row) => toStoredRow("2026-11", row, NAMES));
      expect(toStoredRows("2026-11", period, NAMES), `seed ${seed}`).toEqual(expected);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(30_000);
  });

  it("lowercases the sort name as the whole name (final sigma) and keeps the row's kinds", () => {
    const [row] = toStoredRows(
      "2026-11",
      [
        {
          ...rows(1)[0]!,
          organizationId: "org-2",
          moduleOrganizationId: null,
          service: { psaId: "s", name: "ΣΕΡΒΙΣ" },
          billingTypes: [{ moduleKey: "saas", billingType: "users", policy: null }],
        },
      ],
      NAMES,
    );
    expect(row!.sort_name).toBe("οδος σως");
    expect(row!.kinds).toEqual(["saas\u001fusers"]);
  });

  it("snapshotTotals adds up as the rows one by one, per state and per module in the order first met", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const stored = toStoredRows("2026-11", rows(seed), NAMES);
      expect(snapshotTotals(stored), `seed ${seed}`).toEqual(plainTotals(stored));
    }
  });
});
