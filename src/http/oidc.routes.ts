import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { ROLES } from "../domain/role.ts";
import type { Services } from "../services/index.ts";
import { OIDC_LOGIN_MS, SsoError } from "../services/oidc/oidc.service.ts";
import { isSecure, requireAuth } from "./auth.ts";
import { SsoInfo, SsoSettingsViewSchema } from "./oidc.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import { signedIn } from "./session.routes.ts";

const LOGIN_COOKIE = "orgmap_oidc";

export const SsoSettingsBody = z
  .object({
    enabled: z.boolean(),
    issuerUrl: z.string().min(1).max(2000),
    clientId: z.string().min(1).max(500),
    /** Omitted: keep the stored secret (dropped when the issuer or client id changes); null: remove it. */
    clientSecret: z.string().max(2000).nullable().optional(),
    displayName: z.string().min(1).max(100),
    defaultRole: z.enum(ROLES),
    allowedDomains: z.array(z.string().max(253)).max(50).default([]),
  })
  .strict();

/** The origin the browser used (the redirect URI is built from it when ORGMAP_PUBLIC_URL is not set). */
function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Single sign-on's JSON routes under /api/v1: the login page's info, and the admin's settings. */
export const oidcRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/sso",
      {
        config: { access: "public" },
        schema: {
          tags: ["sso"],
          summary:
            "For the login page: the single sign-on button (if set up), and whether password sign-in is on",
          response: { 200: SsoInfo, ...problemResponses },
        },
      },
      async () => services.oidc.publicInfo(),
    );
    app.get(
      "/sso-settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sso"],
          summary:
            "The OpenID Connect provider (never its client secret) and the redirect URI to register there",
          response: { 200: SsoSettingsViewSchema, ...problemResponses },
        },
      },
      async (request) => services.oidc.settings(originOf(request)),
    );
    app.put(
      "/sso-settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sso"],
          summary:
            "Set up single sign-on: issuer URL, client id and secret (stored sealed), name, default role, domains",
          body: SsoSettingsBody,
          response: { 200: SsoSettingsViewSchema, ...problemResponses },
        },
      },
      async (request) =>
        services.oidc.saveSettings(requireAuth(request).actor, request.body, originOf(request)),
    );
    app.delete(
      "/sso-settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["sso"],
          summary: "Remove single sign-on (409 while password sign-in is off)",
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.oidc.deleteSettings(requireAuth(request).actor);
        return reply.status(204).send(null);
      },
    );
  };

/**
 * The browser's side of single sign-on (not JSON, so outside /api/v1): `/auth/oidc/start` redirects
 * to the provider, `/auth/oidc/callback` comes back from it, signs in and redirects to the app. A
 * refusal redirects to the login page with `?sso=<reason>`; the detail goes to the log only.
 */
export function registerOidcBrowserRoutes(app: FastifyInstance, ctx: AppContext, services: Services) {
  const cookieOptions = (request: FastifyRequest) => ({
    path: "/auth/oidc",
    httpOnly: true,
    // Lax: the callback is a top-level navigation from the provider's site, which must bring it.
    sameSite: "lax" as const,
    secure: isSecure(request, ctx.config.secureCookies),
  });
  const refuse = (reply: FastifyReply, error: unknown) => {
    if (!(error instanceof SsoError)) throw error;
    return reply.redirect(`/login?sso=${error.reason}`, 303);
  };
  app.get("/auth/oidc/start", async (request, reply) => {
    try {
      const { url, loginCookie } = await services.oidc.start(originOf(request));
      reply.setCookie(LOGIN_COOKIE, loginCookie, {
        ...cookieOptions(request),
        maxAge: Math.floor(OIDC_LOGIN_MS / 1000),
      });
      return reply.redirect(url, 303);
    } catch (error) {
      return refuse(reply, error);
    }
  });
  app.get("/auth/oidc/callback", async (request, reply) => {
    const loginCookie = request.cookies[LOGIN_COOKIE];
    reply.clearCookie(LOGIN_COOKIE, cookieOptions(request));
    try {
      const result = await services.oidc.complete({
        loginCookie,
        callbackUrl: `${originOf(request)}${request.url}`,
        ip: request.ip,
        userAgent: request.headers["user-agent"] ?? null,
      });
      signedIn(ctx, request, reply, result);
      return reply.redirect("/", 303);
    } catch (error) {
      return refuse(reply, error);
    }
  });
}
