import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/** Issue 13 point 14: API error messages speak the instance's term, not "organization". */
describe("error messages in the term", () => {
  const t = useTestApp();

  it("a refusal and a 404 say 'client company' once the term is Client Company, and 'organization' before", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    const dead = await buildOrganization(t.ctx.db, { name: "Globex Holdings", type: "Dead" });
    const site = await buildModuleOrganization(t.ctx.db, "rmm", { name: "Globex site" });
    const editor = await t.loginAs("editor");
    const mapToDead = () =>
      t.request(editor, {
        method: "PUT",
        url: `/api/v1/module-organizations/${site.id}/mapping`,
        payload: { organizationId: dead.id },
      });
    const unknown = () =>
      t.request(editor, { method: "GET", url: "/api/v1/organizations/00000000-0000-4000-8000-000000000000" });

    const before = await mapToDead();
    expect(before.statusCode).toBe(422);
    expect(before.json().detail).toBe(
      "Globex Holdings is a Dead organization and cannot be a mapping target",
    );

    await t.services.settings.update(cliActor, { organizationTerm: "Client Company" });
    const after = await mapToDead();
    expect(after.statusCode).toBe(422);
    expect(after.json().detail).toBe(
      "Globex Holdings is a Dead client company and cannot be a mapping target",
    );
    const missing = await unknown();
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toMatch(
      /^client company "00000000-0000-4000-8000-000000000000" does not exist$/,
    );
  });
});
