import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { AppError } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";
import { isSecure, requireAuth, SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName } from "./auth.ts";
import { IdParams } from "./common.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import { LoginAnswer, SessionAnswer, SessionList } from "./session.schema.ts";

export const LoginBody = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

export const PasswordChangeBody = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(12).max(1024) })
  .strict();

/**
 * Ends a completed sign-in (password, or password and TOTP): sets the session cookie and gives the
 * answer both sign-in routes send.
 */
export function signedIn<
  R extends { sessionToken: string; user: U; csrfToken: string; mustChangePassword: boolean },
  U,
>(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, result: R) {
  reply.setCookie(sessionCookieName(request, ctx.config.secureCookies), result.sessionToken, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: isSecure(request, ctx.config.secureCookies),
    maxAge: Math.floor(ctx.config.sessionAbsoluteMs / 1000),
  });
  return { user: result.user, csrfToken: result.csrfToken, mustChangePassword: result.mustChangePassword };
}

export const sessionRoutes =
  (ctx: AppContext, services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/session",
      {
        config: { access: "public" },
        schema: {
          tags: ["session"],
          summary: "Sign in with a password; sets the session cookie",
          body: LoginBody,
          response: { 200: LoginAnswer, ...problemResponses },
        },
      },
      async (request, reply) => {
        const result = await services.auth.login(
          request.body.username,
          request.body.password,
          request.ip,
          request.headers["user-agent"] ?? null,
        );
        if ("mfaChallenge" in result) return { mfaRequired: true as const, challenge: result.mfaChallenge };
        return signedIn(ctx, request, reply, result);
      },
    );
    app.get(
      "/session",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["session"],
          summary: "Who is signed in, and the CSRF token for writes",
          response: { 200: SessionAnswer, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        return {
          user: auth.user,
          via: auth.via,
          csrfToken: auth.csrfToken,
          mustChangePassword: auth.mustChangePassword,
          mustEnrollMfa: auth.mustEnrollMfa,
        };
      },
    );
    app.put(
      "/me/password",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["session"],
          summary: "Change your own password (ends all your sessions; sign in again)",
          body: PasswordChangeBody,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        if (!auth.user) throw new AppError("forbidden", "an API token has no password");
        await services.auth.changeOwnPassword(
          auth.actor,
          auth.user.id,
          request.body.currentPassword,
          request.body.newPassword,
        );
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        reply.clearCookie(SECURE_SESSION_COOKIE, { path: "/", secure: true });
        return reply.status(204).send(null);
      },
    );
    app.delete(
      "/session",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["session"],
          summary: "Sign out (ends the session at once)",
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        const token = request.cookies[SECURE_SESSION_COOKIE] ?? request.cookies[SESSION_COOKIE];
        if (token) await services.auth.logout(token);
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        reply.clearCookie(SECURE_SESSION_COOKIE, { path: "/", secure: true });
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/me/sessions",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["session"],
          summary: "Your open sessions (browser, address, opened, last seen); isCurrent marks this one",
          response: { 200: SessionList, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        if (!auth.user) return { items: [] };
        return { items: await services.sessions.list({ userId: auth.user.id }, auth.sessionId) };
      },
    );
    app.delete(
      "/me/sessions/:id",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["session"],
          summary: "End one of your sessions (404 for one that is not yours)",
          params: IdParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        // An API token has no sessions: every id is one that is not its own.
        await services.sessions.end(auth.actor, request.params.id, auth.user?.id ?? "");
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/sessions",
      {
        config: { access: "admin" },
        schema: {
          tags: ["session"],
          summary: "Every user's open sessions",
          response: { 200: SessionList, ...problemResponses },
        },
      },
      async (request) => ({ items: await services.sessions.list({}, requireAuth(request).sessionId) }),
    );
    app.delete(
      "/sessions/:id",
      {
        config: { access: "admin" },
        schema: {
          tags: ["session"],
          summary: "End anyone's session (the user is signed out at their next request)",
          params: IdParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.sessions.end(requireAuth(request).actor, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
