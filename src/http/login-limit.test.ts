import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * Issue 11 point 1: the sign-in limits hold under parallel requests. An attempt is reserved in the
 * database in one statement before the password is verified, so a burst cannot slip through
 * between the check and the count. The race shows on PostgreSQL (PGlite runs one at a time).
 */
describe("sign-in limits under parallel requests", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";

  const login = (username: string, pw: string, ip: string) =>
    t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password: pw },
      remoteAddress: ip,
    });

  async function burst(requests: (() => ReturnType<typeof login>)[]) {
    const answers = await Promise.all(requests.map((send) => send()));
    const count = (status: number) => answers.filter((a) => a.statusCode === status).length;
    return { 401: count(401), 429: count(429), other: answers.length - count(401) - count(429) };
  }

  it("60 parallel wrong passwords on one account: at most 5 are verified (401), the rest 429", async () => {
    await t.services.auth.createUser(cliActor, { username: "target", password, role: "admin" });
    const counts = await burst(
      Array.from(
        { length: 60 },
        (_, i) => () => login("target", "wrong password!!", `10.1.${i >> 8}.${i & 255}`),
      ),
    );
    console.log("60 parallel wrong passwords on one account:", counts);
    expect(counts[401]).toBeLessThanOrEqual(5);
    expect(counts[429]).toBe(60 - counts[401]);
    expect((await login("target", password, "10.2.0.1")).statusCode).toBe(429);
  });

  it("120 parallel wrong passwords from one address: at most 30 are verified (401), the rest 429", async () => {
    const counts = await burst(
      Array.from({ length: 120 }, (_, i) => () => login(`nobody-${i}`, "wrong password!!", "10.9.9.9")),
    );
    console.log("120 parallel wrong passwords from one address:", counts);
    expect(counts[401]).toBeLessThanOrEqual(30);
    expect(counts[429]).toBe(120 - counts[401]);
  });

  it("a success clears the account's failures and gives its address attempt back", async () => {
    await t.services.auth.createUser(cliActor, { username: "ann", password, role: "viewer" });
    for (let i = 0; i < 4; i++)
      expect((await login("ann", "wrong password!!", "10.3.0.1")).statusCode).toBe(401);
    expect((await login("ann", password, "10.3.0.1")).statusCode).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await login("ann", "wrong password!!", "10.3.0.2")).statusCode).toBe(401);
    expect((await login("ann", password, "10.3.0.2")).statusCode).toBe(429);
  });
});
