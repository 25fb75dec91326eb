import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from "fastify";
import type { Actor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { hasRole, type Role } from "../domain/role.ts";
import { type AuthenticatedUser, userActor } from "../services/auth.service.ts";
import type { Services } from "../services/index.ts";

/** Who may call a route: anyone, or at least this role. Every route must say (checked at start-up). */
export type Access = "public" | Role;

export interface RequestAuth {
  actor: Actor;
  /** The signed-in user (cookie) or null for an API token. */
  user: AuthenticatedUser | null;
  via: "session" | "token";
  csrfToken: string | null;
  mustChangePassword: boolean;
  /** An admin without MFA while admins must have it: only enrolment is open (issue 11). */
  mustEnrollMfa: boolean;
  /** The public id of the caller's session (null for an API token): "this session" in the sessions list. */
  sessionId: string | null;
}

export interface ApiRoute {
  method: string;
  url: string;
  access: Access;
  /** The route's schemas (the API contract test compares them with `apiContract`). */
  schema: FastifySchema | undefined;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    /** Every /api route with its access level, as registered (the authorization matrix test reads it). */
    apiRoutes: ApiRoute[];
  }
}

export const SESSION_COOKIE = "orgmap_session";
export const SECURE_SESSION_COOKIE = "__Host-orgmap_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** What a session whose password must change may still do: read itself, change it, sign out. */
const WHILE_PASSWORD_MUST_CHANGE = new Set([
  "GET /api/v1/session",
  "PUT /api/v1/me/password",
  "DELETE /api/v1/session",
]);

const WHILE_MFA_MUST_BE_ENROLLED = new Set([
  "GET /api/v1/session",
  "DELETE /api/v1/session",
  "GET /api/v1/me/mfa",
  "POST /api/v1/me/mfa/totp",
  "POST /api/v1/me/mfa/totp/confirm",
]);

export function sessionCookieName(request: FastifyRequest, mode: "auto" | "always" | "never"): string {
  return isSecure(request, mode) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function isSecure(request: FastifyRequest, mode: "auto" | "always" | "never"): boolean {
  return mode === "always" || (mode === "auto" && request.protocol === "https");
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Authenticates every request (session cookie or bearer token) before its body is read, then
 * enforces the route's access level and, for writes made with a cookie, the CSRF token.
 */
export function registerAuth(app: FastifyInstance, services: Services) {
  app.decorateRequest("auth", null);
  const apiRoutes: ApiRoute[] = [];
  app.decorate("apiRoutes", apiRoutes);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/")) return;
    const access = route.config?.access;
    if (access === undefined)
      throw new Error(`route ${route.method} ${route.url} does not declare its access level`);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") apiRoutes.push({ method, url: route.url, access, schema: route.schema });
    }
  });
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined) return;
    request.auth = await authenticate(request, services);
    if (access === "public") return;
    if (!request.auth) throw new AppError("unauthenticated", "sign in or send an API token");
    // Enforced here, not only by the web app: a one-time password must not reach the API (issue 11 point 5).
    if (
      request.auth.mustChangePassword &&
      !WHILE_PASSWORD_MUST_CHANGE.has(`${request.method} ${request.routeOptions.url}`)
    ) {
      throw new AppError("password_change_required", "change your password first (PUT /api/v1/me/password)");
    }
    if (
      request.auth.mustEnrollMfa &&
      !request.auth.mustChangePassword &&
      !WHILE_MFA_MUST_BE_ENROLLED.has(`${request.method} ${request.routeOptions.url}`)
    ) {
      throw new AppError(
        "mfa_enrollment_required",
        "admins must turn on MFA first (POST /api/v1/me/mfa/totp)",
      );
    }
    if (!hasRole(request.auth.actor.role, access)) {
      throw new AppError("forbidden", `this needs the ${access} role; you have ${request.auth.actor.role}`);
    }
    if (request.auth.via === "session" && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== "string" || !request.auth.csrfToken || !sameSecret(sent, request.auth.csrfToken)) {
        throw new AppError("csrf_failed", `writes made with a session need the ${CSRF_HEADER} header`);
      }
    }
    void reply;
  });
}

async function authenticate(request: FastifyRequest, services: Services): Promise<RequestAuth | null> {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) {
    const token = await services.auth.authenticateToken(header.slice(7).trim());
    if (!token) throw new AppError("unauthenticated", "the API token is unknown or revoked");
    return {
      actor: { kind: "token", id: token.id, label: `token:${token.name}`, role: token.role },
      user: null,
      via: "token",
      csrfToken: null,
      mustChangePassword: false,
      mustEnrollMfa: false,
      sessionId: null,
    };
  }
  const cookie = request.cookies[SECURE_SESSION_COOKIE] ?? request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await services.auth.authenticateSession(cookie);
  if (!session) return null;
  return {
    actor: userActor(session.user),
    user: session.user,
    via: "session",
    csrfToken: session.csrfToken,
    mustChangePassword: session.mustChangePassword,
    mustEnrollMfa: session.mustEnrollMfa,
    sessionId: session.sessionId,
  };
}

/** The authenticated caller; only for routes whose access is not public. */
export function requireAuth(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new AppError("unauthenticated", "sign in or send an API token");
  return request.auth;
}
