import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

interface SessionItem {
  id: string;
  username: string;
  userAgent: string | null;
  ip: string | null;
  isCurrent: boolean;
}

describe("the sessions list", () => {
  const t = useTestApp();
  const password = "correct horse battery staple";

  /** Signs in from a browser and address; answers headers that carry the session. */
  async function signIn(username: string, userAgent: string, ip: string) {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password },
      headers: { "user-agent": userAgent },
      remoteAddress: ip,
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name.endsWith("orgmap_session"))!;
    return { cookie: `${cookie.name}=${cookie.value}`, "x-csrf-token": res.json().csrfToken as string };
  }
  const as = (headers: Record<string, string>) => ({ role: "viewer" as const, headers });

  it("shows a user their own sessions only, and ends one of them at once (audited)", async () => {
    await t.services.auth.createUser(cliActor, { username: "ann", password, role: "editor" });
    await t.services.auth.createUser(cliActor, { username: "bob", password, role: "viewer" });
    const laptop = await signIn("ann", "Mozilla/5.0 (X11; Linux) Firefox/140.0", "10.0.0.1");
    const phone = await signIn("ann", "Mozilla/5.0 (iPhone) Safari/18\u0000\u0007", "10.0.0.2");
    const bobs = await signIn("bob", "curl/8", "10.0.0.3");

    const mine = await t.request(as(laptop), { method: "GET", url: "/api/v1/me/sessions" });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as SessionItem[];
    expect(items.map((s) => s.username)).toEqual(["ann", "ann"]);
    expect(items.find((s) => s.isCurrent)).toMatchObject({
      ip: "10.0.0.1",
      userAgent: expect.stringContaining("Firefox"),
    });
    const other = items.find((s) => !s.isCurrent)!;
    // Control characters a browser sent are not kept.
    expect(other).toMatchObject({ ip: "10.0.0.2", userAgent: "Mozilla/5.0 (iPhone) Safari/18" });

    const bobsId = (
      (await t.request(as(bobs), { method: "GET", url: "/api/v1/me/sessions" })).json().items as SessionItem[]
    )[0]!.id;
    const notMine = await t.request(as(laptop), { method: "DELETE", url: `/api/v1/me/sessions/${bobsId}` });
    expect(notMine.statusCode).toBe(404);
    expect((await t.request(as(bobs), { method: "GET", url: "/api/v1/session" })).statusCode).toBe(200);

    const ended = await t.request(as(laptop), { method: "DELETE", url: `/api/v1/me/sessions/${other.id}` });
    expect(ended.statusCode).toBe(204);
    expect((await t.request(as(phone), { method: "GET", url: "/api/v1/session" })).statusCode).toBe(401);
    expect((await t.request(as(laptop), { method: "GET", url: "/api/v1/session" })).statusCode).toBe(200);

    const admin = await t.loginAs("admin");
    const events = await t.request(admin, { method: "GET", url: "/api/v1/audit-events?entityType=user" });
    expect(events.json().items.map((e: { action: string }) => e.action)).toContain("user.session_ended");
  });

  it("shows an admin everyone's sessions and lets them end any; others may not list them", async () => {
    await t.services.auth.createUser(cliActor, { username: "cy", password, role: "editor" });
    const cy = await signIn("cy", "Edge/130", "10.0.0.9");
    const admin = await t.loginAs("admin");
    const all = await t.request(admin, { method: "GET", url: "/api/v1/sessions" });
    expect(all.statusCode).toBe(200);
    const items = all.json().items as SessionItem[];
    const cys = items.find((s) => s.username === "cy")!;
    expect(cys).toMatchObject({ userAgent: "Edge/130", ip: "10.0.0.9", isCurrent: false });
    expect(items.filter((s) => s.isCurrent)).toHaveLength(1);

    expect((await t.request(as(cy), { method: "GET", url: "/api/v1/sessions" })).statusCode).toBe(403);
    const ended = await t.request(admin, { method: "DELETE", url: `/api/v1/sessions/${cys.id}` });
    expect(ended.statusCode).toBe(204);
    expect((await t.request(as(cy), { method: "GET", url: "/api/v1/session" })).statusCode).toBe(401);
    const again = await t.request(admin, { method: "DELETE", url: `/api/v1/sessions/${cys.id}` });
    expect(again.statusCode).toBe(404);
    const malformed = await t.request(admin, { method: "DELETE", url: "/api/v1/sessions/not-a-uuid" });
    expect(malformed.statusCode).toBe(404);
  });
});
