import { describe, expect, it } from "vitest";
import { useTestContext } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { AuthService } from "./auth.service.ts";

describe("first admin", () => {
  const t = useTestContext();

  it("is created once, on an instance without an enabled admin, even when other users exist", async () => {
    const auth = new AuthService(t.ctx);
    await auth.createUser(cliActor, {
      username: "viewer1",
      password: "a long enough password",
      role: "viewer",
    });
    const created = await auth.ensureInitialAdmin();
    expect(created?.username).toBe("admin");
    expect(created?.password.length).toBeGreaterThanOrEqual(16);
    expect(await auth.ensureInitialAdmin()).toBeNull();
    const login = await auth.login("admin", created!.password, "127.0.0.1");
    expect(login.user.role).toBe("admin");
    expect(login.mustChangePassword).toBe(true);
    expect((await auth.authenticateSession(login.sessionToken))?.mustChangePassword).toBe(true);
  });
});
