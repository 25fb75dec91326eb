import { z } from "zod";
import { ROLES } from "../domain/role.ts";
import type { AuthService } from "../services/auth.service.ts";
import type { PasswordResetService } from "../services/password-reset.service.ts";
import { answerMatches, Timestamp } from "./common.schema.ts";

/** Answers of the user and token routes; the web app infers its types from these. */

export const RoleSchema = z.enum(ROLES);

export const UserViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  /** Single sign-on signs this user in when the provider's verified e-mail is this one (any case). */
  email: z.string().nullable(),
  isDisabled: z.boolean(),
  createdAt: Timestamp,
});

export const UserList = z.object({ items: z.array(UserViewSchema) });

/** A token as listed: the token itself is shown only once, when created. */
export const TokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdBy: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});

export const TokenList = z.object({ items: z.array(TokenViewSchema) });

export const TokenCreated = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  /** The bearer token (`omt_...`): shown this once, stored only as a hash. */
  token: z.string(),
});

answerMatches<z.infer<typeof UserViewSchema>, Awaited<ReturnType<AuthService["createUser"]>>>(true);
answerMatches<z.infer<typeof UserViewSchema>, Awaited<ReturnType<AuthService["updateUser"]>>>(true);
answerMatches<z.infer<typeof UserList>["items"], Awaited<ReturnType<AuthService["listUsers"]>>>(true);
answerMatches<z.infer<typeof TokenList>["items"], Awaited<ReturnType<AuthService["listTokens"]>>>(true);
answerMatches<z.infer<typeof TokenCreated>, Awaited<ReturnType<AuthService["createToken"]>>>(true);

/** A one-time password, shown this once to the admin who reset it. */
export const PasswordResetAnswer = z.object({ username: z.string(), password: z.string() });

answerMatches<z.infer<typeof PasswordResetAnswer>, Awaited<ReturnType<PasswordResetService["reset"]>>>(true);
