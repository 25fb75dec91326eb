import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ROLES } from "../domain/role.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { IdParams } from "./common.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import { PasswordResetAnswer, TokenCreated, TokenList, UserList, UserViewSchema } from "./user.schema.ts";

/** An e-mail address (single sign-on matches users by it, any case): trimmed, stored as given. */
export const UserEmail = z.string().trim().email().max(320);

export const UserCreateBody = z
  .object({
    username: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.@-]+$/, "letters, digits, . _ - @"),
    password: z.string().min(12).max(1024),
    role: z.enum(ROLES),
    email: UserEmail.nullable().optional(),
  })
  .strict();

export const UserPatchBody = z
  .object({
    role: z.enum(ROLES).optional(),
    isDisabled: z.boolean().optional(),
    password: z.string().min(12).max(1024).optional(),
    /** null clears it. */
    email: UserEmail.nullable().optional(),
  })
  .strict();

export const TokenCreateBody = z
  .object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES) })
  .strict();

export const userRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/users",
      {
        config: { access: "admin" },
        schema: { tags: ["users"], summary: "Users", response: { 200: UserList, ...problemResponses } },
      },
      async () => ({ items: await services.auth.listUsers() }),
    );
    app.post(
      "/users",
      {
        config: { access: "admin" },
        schema: {
          tags: ["users"],
          summary: "Add a user",
          body: UserCreateBody,
          response: { 201: UserViewSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await services.auth.createUser(requireAuth(request).actor, request.body)),
    );
    app.patch(
      "/users/:id",
      {
        config: { access: "admin" },
        schema: {
          tags: ["users"],
          summary:
            "Change role, e-mail, disable, or set a password (disabling or a password ends the user's sessions)",
          params: IdParams,
          body: UserPatchBody,
          response: { 200: UserViewSchema, ...problemResponses },
        },
      },
      async (request) =>
        services.auth.updateUser(requireAuth(request).actor, request.params.id, request.body),
    );
    app.post(
      "/users/:id/password-reset",
      {
        config: { access: "admin" },
        schema: {
          tags: ["users"],
          summary: "Reset another user's password to a one-time one (shown once, changed at next sign-in)",
          params: IdParams,
          response: { 200: PasswordResetAnswer, ...problemResponses },
        },
      },
      async (request) => services.passwordReset.reset(requireAuth(request).actor, request.params.id),
    );
    app.get(
      "/tokens",
      {
        config: { access: "admin" },
        schema: { tags: ["users"], summary: "API tokens", response: { 200: TokenList, ...problemResponses } },
      },
      async () => ({ items: await services.auth.listTokens() }),
    );
    app.post(
      "/tokens",
      {
        config: { access: "admin" },
        schema: {
          tags: ["users"],
          summary: "Create an API token (shown once)",
          body: TokenCreateBody,
          response: { 201: TokenCreated, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await services.auth.createToken(requireAuth(request).actor, request.body)),
    );
    app.delete(
      "/tokens/:id",
      {
        config: { access: "admin" },
        schema: {
          tags: ["users"],
          summary: "Revoke an API token",
          params: IdParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.auth.revokeToken(requireAuth(request).actor, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
