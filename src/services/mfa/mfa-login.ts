import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { systemActor } from "../../domain/actor.ts";
import { AppError } from "../../domain/errors.ts";
import { type AuthService, cleanUserAgent, sha256 } from "../auth.service.ts";
import type { LoginLimiter } from "../login-limiter.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import type { MfaService } from "./mfa.service.ts";

/** How long the TOTP step may follow the password. */
const CHALLENGE_MS = 5 * 60_000;

/** After a right password of a user with MFA on: a one-time challenge token for the TOTP step. */
export async function startMfaChallenge(
  ctx: AppContext,
  userId: string,
  at: Date,
  ip: string,
  userAgent: string | null,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const repos = repositories(ctx.db);
  await repos.mfa.deleteChallengesBefore(new Date(at.getTime() - CHALLENGE_MS));
  await repos.mfa.insertChallenge({
    idHash: sha256(token),
    userId,
    at,
    ip,
    userAgent: userAgent === null ? null : cleanUserAgent(userAgent),
  });
  return token;
}

/**
 * The second sign-in step: the challenge from the password step and a TOTP (or recovery) code. The
 * same limits as passwords apply, reserved before the code is checked (5 per account, 30 per address
 * in 15 minutes), so codes cannot be guessed in a burst; a code is accepted once.
 */
export async function completeMfaLogin(
  deps: { ctx: AppContext; auth: AuthService; mfa: MfaService; limiter: LoginLimiter },
  input: { challenge: string; code: string; ip: string; userAgent: string | null },
) {
  const { ctx } = deps;
  const at = ctx.clock.now();
  const repos = repositories(ctx.db);
  const idHash = sha256(input.challenge);
  const challenge = await repos.mfa.findChallenge(idHash);
  if (!challenge || at.getTime() - new Date(challenge.created_at).getTime() > CHALLENGE_MS)
    throw new AppError("unauthenticated", "the sign-in expired; enter your password again");
  const attempt = await deps.limiter.reserve(`mfa:${challenge.user_id}`, input.ip, at);
  const user = await inUnitOfWork(ctx, systemActor("mfa"), async ({ repos: tx, step }) => {
    if (!(await deps.mfa.verifyCode(tx, challenge.user_id, input.code, step.at, true))) return null;
    await tx.mfa.deleteChallenge(idHash);
    return tx.users.findById(challenge.user_id);
  });
  if (!user || user.is_disabled) throw new AppError("unauthenticated", "the code is wrong or expired");
  await attempt.succeeded();
  return deps.auth.openSession(user, at, input.ip, input.userAgent);
}
