import { describe, expect, it } from "vitest";
import { buildModule } from "../../test/support/factories.ts";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";

/**
 * Issue 11 point 2: stored credentials only ever go to the address they were given for. A new
 * base URL (another host, or http instead of https) or another kind without the secrets sent
 * again is refused (422 on connector.secrets); the stored secrets are never re-used there.
 */
describe("stored connector secrets and a new address", () => {
  const t = useTestApp();

  const psaSecrets = { apiIntegrationCode: "code", userName: "api@example.com", secret: "s3cret" };
  // Both ways of asking: a module through PATCH /modules/{key}, the PSA through PATCH /psa.
  const targets = [
    {
      name: "a module (PATCH /modules/{key})",
      url: "/api/v1/modules/itglue",
      kind: "itglue",
      secrets: { apiKey: "ITG.stored" },
      read: async (admin: Caller) =>
        (await t.request(admin, { method: "GET", url: "/api/v1/modules/itglue" })).json().connector,
    },
    {
      name: "the PSA (PATCH /psa)",
      url: "/api/v1/psa",
      kind: "autotask",
      secrets: psaSecrets,
      read: async (admin: Caller) =>
        (await t.request(admin, { method: "GET", url: "/api/v1/psa" })).json().connector,
    },
  ];

  for (const target of targets) {
    describe(target.name, () => {
      const patch = (admin: Caller, connector: Record<string, unknown>) =>
        t.request(admin, {
          method: "PATCH",
          url: target.url,
          payload: { connector: { kind: target.kind, ...connector } },
        });

      async function configured() {
        await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue", state: "disabled" });
        const admin = await t.tokenAs("admin");
        const first = await patch(admin, {
          settings: { baseUrl: "https://vendor.example.com" },
          secrets: target.secrets,
        });
        expect(first.statusCode, first.body).toBe(200);
        return admin;
      }

      for (const baseUrl of ["https://attacker.example.net", "http://vendor.example.com"]) {
        it(`refuses a new base URL (${baseUrl}) without the secrets sent again`, async () => {
          const admin = await configured();
          const res = await patch(admin, { settings: { baseUrl } });
          expect(res.statusCode, res.body).toBe(422);
          expect(res.json().field).toBe("connector.secrets");
          expect(await target.read(admin)).toMatchObject({
            settings: { baseUrl: "https://vendor.example.com" },
            hasSecrets: true,
          });
        });
      }

      it("takes the new base URL with the secrets sent again", async () => {
        const admin = await configured();
        const res = await patch(admin, {
          settings: { baseUrl: "https://other.example.com" },
          secrets: target.secrets,
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(await target.read(admin)).toMatchObject({
          settings: { baseUrl: "https://other.example.com" },
          hasSecrets: true,
        });
      });

      it("keeps the stored secrets when the address stays (another page size, a trailing slash)", async () => {
        const admin = await configured();
        const res = await patch(admin, {
          settings: { baseUrl: "https://vendor.example.com/", pageSize: 50 },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(await target.read(admin)).toMatchObject({ settings: { pageSize: 50 }, hasSecrets: true });
      });
    });
  }
});
