import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { cliActor } from "../../src/domain/actor.ts";
import type { Role } from "../../src/domain/role.ts";
import { type AppOptions, buildApp } from "../../src/http/app.ts";
import { createServices, type Services } from "../../src/services/index.ts";
import { type TestContext, useTestContext } from "./test-context.ts";

export interface Caller {
  role: Role | "anonymous" | "token";
  headers: Record<string, string>;
}

export interface TestApp {
  readonly ctx: TestContext;
  readonly app: FastifyInstance;
  readonly services: Services;
  /** Signs a new user with the role in and returns headers carrying the session cookie and CSRF token. */
  loginAs(role: Role): Promise<Caller>;
  /** An API token caller with the role. */
  tokenAs(role: Role): Promise<Caller>;
  request(caller: Caller | null, options: InjectOptions): Promise<LightMyRequestResponse>;
}

let userCounter = 0;

/** One app per test file over the file's test database (emptied before each test). */
export function useTestApp(
  options: AppOptions | ((ctx: TestContext, services: Services) => Promise<AppOptions>) = {},
): TestApp {
  const t = useTestContext();
  let app: FastifyInstance | undefined;
  let services: Services | undefined;
  beforeAll(async () => {
    services = createServices(t.ctx);
    const extra = typeof options === "function" ? await options(t.ctx, services) : options;
    app = await buildApp(t.ctx, services, { logger: false, serveWeb: false, ...extra });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  const self: TestApp = {
    get ctx() {
      return t.ctx;
    },
    get app() {
      if (!app) throw new Error("app not built yet");
      return app;
    },
    get services() {
      if (!services) throw new Error("app not built yet");
      return services;
    },
    async loginAs(role) {
      const username = `${role}-${++userCounter}`;
      const password = "correct horse battery staple";
      await self.services.auth.createUser(cliActor, { username, password, role });
      const res = await self.app.inject({
        method: "POST",
        url: "/api/v1/session",
        payload: { username, password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      const cookie = res.cookies.find((c) => c.name.endsWith("orgmap_session"));
      const { csrfToken } = res.json() as { csrfToken: string };
      return { role, headers: { cookie: `${cookie!.name}=${cookie!.value}`, "x-csrf-token": csrfToken } };
    },
    async tokenAs(role) {
      const { token } = await self.services.auth.createToken(cliActor, { name: `t-${++userCounter}`, role });
      return { role: "token", headers: { authorization: `Bearer ${token}` } };
    },
    async request(caller, options) {
      return self.app.inject({
        ...options,
        headers: { ...(options.headers ?? {}), ...(caller?.headers ?? {}) },
      });
    },
  };
  return self;
}
