import { z } from "zod";
import type { AuthService } from "../services/auth.service.ts";
import type { SessionView } from "../services/session.service.ts";
import type { RequestAuth } from "./auth.ts";
import { answerMatches } from "./common.schema.ts";
import { RoleSchema } from "./user.schema.ts";

/** Answers of the session routes; the web app infers its types from these. */

export const SessionUserSchema = z.object({ id: z.string(), username: z.string(), role: RoleSchema });

/** A completed sign-in: who signed in, the CSRF token for writes, and whether the password must change first. */
export const SignedIn = z.object({
  user: SessionUserSchema,
  csrfToken: z.string(),
  mustChangePassword: z.boolean(),
});

/** The password was right and the user has MFA on: send a code with this challenge to POST /session/mfa. */
export const MfaChallengeAnswer = z.object({ mfaRequired: z.literal(true), challenge: z.string() });

/** POST /session: signed in, or the TOTP step next. */
export const LoginAnswer = z.union([SignedIn, MfaChallengeAnswer]);

/** GET /session: the caller (user null for an API token, which needs no CSRF token). */
export const SessionAnswer = z.object({
  user: SessionUserSchema.nullable(),
  via: z.enum(["session", "token"]),
  csrfToken: z.string().nullable(),
  mustChangePassword: z.boolean(),
  mustEnrollMfa: z.boolean(),
});

answerMatches<
  z.infer<typeof SignedIn>,
  Omit<Awaited<ReturnType<AuthService["openSession"]>>, "sessionToken">
>(true);
answerMatches<z.infer<typeof SessionAnswer>, Omit<RequestAuth, "actor" | "sessionId">>(true);

/** One open session in the sessions list (the browser and address it was opened from). */
export const SessionViewSchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  isCurrent: z.boolean(),
});
export const SessionList = z.object({ items: z.array(SessionViewSchema) });
answerMatches<z.infer<typeof SessionViewSchema>, SessionView>(true);
