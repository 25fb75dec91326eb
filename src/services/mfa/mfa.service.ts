import { randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { type Actor, systemActor } from "../../domain/actor.ts";
import { AppError, invalidValue, notFound } from "../../domain/errors.ts";
import type { AuthService } from "../auth.service.ts";
import { sha256 } from "../auth-secrets.ts";
import { LoginLimiter } from "../login-limiter.ts";
import type { SecretBox } from "../secret-box.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { CHALLENGE_MS } from "./mfa-challenge.ts";

const ISSUER = "orgmap";
const PERIOD_S = 30;
/** One step either side: a phone clock 30 s off still works. */
const TOLERANCE_S = PERIOD_S;
const RECOVERY_CODES = 10;

export interface MfaStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
  /** Whether this user must have MFA (admins, when an admin turned that on). */
  required: boolean;
}

const sealContext = (userId: string) => `totp:${userId}`;

/** A recovery code: 10 characters of base32 in two groups ("K7Q2M-9XW4P"); stored only as a hash. */
function newRecoveryCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecoveryCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * TOTP MFA (RFC 6238, otplib; issue 11): enrolment (a secret sealed with the instance key, confirmed
 * with a first code), recovery codes (hashed, each usable once), a code never accepted twice, the
 * admins' switch, and an admin's reset of another user's MFA. Every change is audited.
 */
export class MfaService {
  private readonly limiter: LoginLimiter;

  constructor(
    private readonly ctx: AppContext,
    private readonly box: SecretBox,
    private readonly auth: AuthService,
  ) {
    this.limiter = new LoginLimiter(ctx.db);
  }

  /**
   * The second sign-in step: the challenge from the password step and a TOTP (or recovery) code. The
   * same limits as passwords apply, reserved before the code is checked (5 per account, 30 per
   * address in 15 minutes), so codes cannot be guessed in a burst; a code is accepted once.
   */
  async completeLogin(input: { challenge: string; code: string; ip: string; userAgent: string | null }) {
    const at = this.ctx.clock.now();
    const idHash = sha256(input.challenge);
    const challenge = await repositories(this.ctx.db).mfa.findChallenge(idHash);
    if (!challenge || at.getTime() - new Date(challenge.created_at).getTime() > CHALLENGE_MS)
      throw new AppError("unauthenticated", "the sign-in expired; enter your password again");
    const attempt = await this.limiter.reserve(`mfa:${challenge.user_id}`, input.ip, at);
    const user = await inUnitOfWork(this.ctx, systemActor("mfa"), async ({ repos, step }) => {
      if (!(await this.verifyCode(repos, challenge.user_id, input.code, step.at, true))) return null;
      await repos.mfa.deleteChallenge(idHash);
      return repos.users.findById(challenge.user_id);
    });
    if (!user || user.is_disabled) throw new AppError("unauthenticated", "the code is wrong or expired");
    await attempt.succeeded();
    return this.auth.openSession(user, at, input.ip, input.userAgent);
  }

  async status(userId: string): Promise<MfaStatus> {
    const repos = repositories(this.ctx.db);
    const user = await repos.mfa.totpOf(userId);
    if (!user) throw notFound("user", userId, "id");
    return {
      enabled: user.totp_enabled_at !== null,
      recoveryCodesLeft: user.totp_enabled_at === null ? 0 : await repos.mfa.recoveryCodesLeft(userId),
      required: user.role === "admin" && (await repos.mfa.isRequiredForAdmins()),
    };
  }

  /** Starts (or restarts) enrolment: a new secret, not active until confirmed with a code. */
  async startEnrolment(userId: string): Promise<{ secret: string; uri: string }> {
    const repos = repositories(this.ctx.db);
    const user = await repos.mfa.totpOf(userId);
    if (!user) throw notFound("user", userId, "id");
    if (user.totp_enabled_at !== null)
      throw new AppError("conflict", "MFA is already on; turn it off first to enrol another device");
    const secret = generateSecret();
    await repos.mfa.setTotp(userId, {
      secret: this.box.seal({ secret }, sealContext(userId)),
      enabledAt: null,
      lastStep: null,
    });
    return { secret, uri: generateURI({ issuer: ISSUER, label: user.username, secret }) };
  }

  /** Confirms enrolment with a code of the new secret; answers the recovery codes, shown once. */
  async confirmEnrolment(actor: Actor, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const user = await repos.mfa.lockTotpOf(userId);
      if (!user) throw notFound("user", userId, "id");
      if (user.totp_enabled_at !== null) throw new AppError("conflict", "MFA is already on");
      if (user.totp_secret === null) throw new AppError("conflict", "start the enrolment first");
      const timeStep = await this.check(user.totp_secret, userId, code, null);
      if (timeStep === null) throw invalidValue("code", "the code is wrong or expired");
      await repos.mfa.setTotp(userId, { secret: user.totp_secret, enabledAt: step.at, lastStep: timeStep });
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await repos.mfa.replaceRecoveryCodes(
        userId,
        codes.map((c) => sha256(normalizeRecoveryCode(c))),
      );
      step.record({
        action: "user.mfa_enabled",
        entityType: "user",
        entityId: userId,
        summary: `${user.username} turned on MFA (authenticator app)`,
        before: null,
        after: { method: "totp" },
      });
      return { recoveryCodes: codes };
    });
  }

  /**
   * Verifies a TOTP code (or, with `allowRecovery`, a recovery code, used up) of a user with MFA on,
   * inside the caller's unit of work; true when accepted.
   */
  async verifyCode(
    repos: ReturnType<typeof repositories>,
    userId: string,
    code: string,
    at: Date,
    allowRecovery: boolean,
  ): Promise<boolean> {
    const user = await repos.mfa.lockTotpOf(userId);
    if (!user || user.totp_enabled_at === null || user.totp_secret === null) return false;
    const digits = code.replace(/\s/g, "");
    if (/^\d{6}$/.test(digits)) {
      const last = user.totp_last_step === null ? null : Number(user.totp_last_step);
      const timeStep = await this.check(user.totp_secret, userId, digits, last);
      if (timeStep === null) return false;
      await repos.mfa.setLastStep(userId, timeStep);
      return true;
    }
    if (!allowRecovery) return false;
    return repos.mfa.spendRecoveryCode(userId, sha256(normalizeRecoveryCode(code)), at);
  }

  /** Turns one's own MFA off with a current code (refused while MFA is required for them). */
  async disableOwn(actor: Actor, userId: string, code: string): Promise<void> {
    if ((await this.status(userId)).required)
      throw new AppError("conflict", "MFA is required for admins on this instance; it cannot be turned off");
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await this.verifyCode(repos, userId, code, step.at, true)))
        throw invalidValue("code", "the code is wrong or expired");
      await this.clear(repos, userId);
      step.record({
        action: "user.mfa_disabled",
        entityType: "user",
        entityId: userId,
        summary: `${actor.label.replace(/^user:/, "")} turned off MFA`,
        before: { method: "totp" },
        after: null,
      });
    });
  }

  /** New recovery codes (the old ones stop), with a current code. */
  async renewRecoveryCodes(actor: Actor, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await this.verifyCode(repos, userId, code, step.at, false)))
        throw invalidValue("code", "the code is wrong or expired");
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await repos.mfa.replaceRecoveryCodes(
        userId,
        codes.map((c) => sha256(normalizeRecoveryCode(c))),
      );
      step.record({
        action: "user.recovery_codes_renewed",
        entityType: "user",
        entityId: userId,
        summary: "MFA recovery codes renewed",
        before: null,
        after: { count: codes.length },
      });
      return { recoveryCodes: codes };
    });
  }

  /** An admin resets another user's MFA (lost phone): it is off, and their sessions end. */
  async reset(actor: Actor, userId: string): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const user = await repos.mfa.lockTotpOf(userId);
      if (!user) throw notFound("user", userId, "id");
      if (user.totp_secret === null) throw new AppError("conflict", `${user.username} has no MFA to reset`);
      await this.clear(repos, userId);
      await repos.users.deleteSessionsOfUser(userId);
      step.record({
        action: "user.mfa_reset",
        entityType: "user",
        entityId: userId,
        summary: `MFA of ${user.username} reset by ${actor.label}`,
        before: { method: "totp" },
        after: null,
      });
    });
  }

  async securitySettings(): Promise<{ mfaRequiredForAdmins: boolean }> {
    return { mfaRequiredForAdmins: await repositories(this.ctx.db).mfa.isRequiredForAdmins() };
  }

  async updateSecuritySettings(actor: Actor, patch: { mfaRequiredForAdmins: boolean }) {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.mfa.isRequiredForAdmins();
      if (before !== patch.mfaRequiredForAdmins) {
        await repos.mfa.setRequiredForAdmins(patch.mfaRequiredForAdmins, step.at);
        step.record({
          action: "security.updated",
          entityType: "security",
          entityId: "security",
          summary: patch.mfaRequiredForAdmins
            ? "MFA required for admins"
            : "MFA no longer required for admins",
          before: { mfaRequiredForAdmins: before },
          after: { mfaRequiredForAdmins: patch.mfaRequiredForAdmins },
        });
      }
      return { mfaRequiredForAdmins: patch.mfaRequiredForAdmins };
    });
  }

  private async clear(repos: ReturnType<typeof repositories>, userId: string) {
    await repos.mfa.setTotp(userId, { secret: null, enabledAt: null, lastStep: null });
    await repos.mfa.replaceRecoveryCodes(userId, []);
  }

  /** The time step a code belongs to when it is valid now and newer than `afterStep`, else null. */
  private async check(sealed: string, userId: string, code: string, afterStep: number | null) {
    const { secret } = this.box.open(sealed, sealContext(userId)) as { secret: string };
    const epoch = Math.floor(this.ctx.clock.now().getTime() / 1000);
    const result = await verify({
      secret,
      token: code,
      epoch,
      period: PERIOD_S,
      epochTolerance: TOLERANCE_S,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    }).catch(() => null);
    return result?.valid ? (result as { timeStep: number }).timeStep : null;
  }
}
