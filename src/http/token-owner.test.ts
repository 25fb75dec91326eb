import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 11 point 6: an API token acts for the account that created it; once that account is
 * disabled, or demoted below the token's role, the token no longer signs anything in (401).
 * Tokens created from the CLI belong to the instance and say so.
 */
describe("an API token and its creator's account", () => {
  const t = useTestApp();

  async function adminWithToken() {
    const caller = await t.loginAs("admin");
    const created = await t.request(caller, {
      method: "POST",
      url: "/api/v1/tokens",
      payload: { name: "automation", role: "admin" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const self = (await t.services.auth.listUsers()).find((u) => u.role === "admin")!;
    // Another admin, so the creator may be disabled or demoted (the last admin may not).
    await t.services.auth.createUser(cliActor, {
      username: "other-admin",
      password: "correct horse battery staple",
      role: "admin",
    });
    return {
      token: { role: "token" as const, headers: { authorization: `Bearer ${created.json().token}` } },
      self,
    };
  }

  const createAdmin = {
    method: "POST",
    url: "/api/v1/users",
    payload: { username: "sneaky", password: "correct horse battery staple", role: "admin" },
  } as const;

  it("stops when its creator is disabled", async () => {
    const { token, self } = await adminWithToken();
    expect((await t.request(token, { method: "GET", url: "/api/v1/users" })).statusCode).toBe(200);
    await t.services.auth.updateUser(cliActor, self.id, { isDisabled: true });
    const res = await t.request(token, createAdmin);
    expect(res.statusCode, res.body).toBe(401);
    expect((await t.services.auth.listUsers()).map((u) => u.username)).not.toContain("sneaky");
  });

  it("stops when its creator is demoted below the token's role", async () => {
    const { token, self } = await adminWithToken();
    await t.services.auth.updateUser(cliActor, self.id, { role: "editor" });
    expect((await t.request(token, createAdmin)).statusCode).toBe(401);
  });

  it("keeps working while its creator keeps the role, and a CLI token belongs to the instance", async () => {
    const { token } = await adminWithToken();
    expect((await t.request(token, createAdmin)).statusCode).toBe(201);
    const cli = await t.tokenAs("admin");
    expect((await t.request(cli, { method: "GET", url: "/api/v1/users" })).statusCode).toBe(200);
    const tokens = (await t.request(cli, { method: "GET", url: "/api/v1/tokens" })).json().items;
    expect(tokens.map((tk: { createdBy: string }) => tk.createdBy)).toContain("cli");
  });
});
