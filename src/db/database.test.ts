import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../../test/support/test-context.ts";

describe("database", () => {
  const t = useTestContext();

  it("applies the migrations and reads 64-bit counts as numbers", async () => {
    const { db } = t.ctx;
    const row = await db.selectFrom("settings").selectAll().executeTakeFirstOrThrow();
    expect(row.organization_term).toBe("Organization");
    const count = await sql<{ n: number }>`select count(*) as n from organizations`.execute(db);
    expect(count.rows[0]?.n).toBe(0);
  });

  it("rolls a failed transaction back", async () => {
    const { db } = t.ctx;
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto("modules").values({ key: "itglue", name: "IT Glue" }).execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const modules = await db.selectFrom("modules").selectAll().execute();
    expect(modules).toHaveLength(0);
  });

  it("serializes concurrent transactions", async () => {
    const { db } = t.ctx;
    await db.insertInto("modules").values({ key: "m", name: "M" }).execute();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db.transaction().execute(async (tx) => {
          await tx
            .insertInto("module_organizations")
            .values({ module_key: "m", external_id: `x${i}`, name: `X ${i}` })
            .execute();
        }),
      ),
    );
    const rows = await db.selectFrom("module_organizations").select("external_id").execute();
    expect(rows).toHaveLength(5);
  });
});
