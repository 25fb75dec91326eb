import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { cleanUserAgent, sha256 } from "../auth-secrets.ts";

/** How long the TOTP step may follow the password. */
export const CHALLENGE_MS = 5 * 60_000;

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
