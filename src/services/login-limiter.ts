import type { Db } from "../db/database.ts";
import { LoginAttemptRepository } from "../db/login-attempt.repository.ts";
import { AppError } from "../domain/errors.ts";

interface Limit {
  /** "account" or "address": the key's prefix. */
  kind: string;
  max: number;
  windowMs: number;
}

/** 5 attempts per account and 30 per address in 15 minutes; a success gives its attempts back. */
const LIMITS = {
  account: { kind: "account", max: 5, windowMs: 15 * 60_000 },
  address: { kind: "address", max: 30, windowMs: 15 * 60_000 },
} satisfies Record<string, Limit>;

export interface Reservation {
  /** The attempt succeeded: the account's failures are forgotten, the address's attempt given back. */
  succeeded(): Promise<void>;
}

/**
 * Sign-in limits kept in the database, so they hold across parallel requests and processes: an
 * attempt is reserved (counted) before the password is verified, and a reservation refused is a
 * 429 with Retry-After. Failed attempts simply keep their reservation.
 */
export class LoginLimiter {
  constructor(private readonly db: Db) {}

  async reserve(username: string, ip: string, now: Date): Promise<Reservation> {
    const attempts = new LoginAttemptRepository(this.db);
    const account = `account:${username.toLowerCase()}`;
    const address = `address:${ip}`;
    if (!(await attempts.reserve(account, LIMITS.account.max, LIMITS.account.windowMs, now))) {
      throw await this.limited(attempts, account, LIMITS.account, now);
    }
    if (!(await attempts.reserve(address, LIMITS.address.max, LIMITS.address.windowMs, now))) {
      await attempts.release(account);
      throw await this.limited(attempts, address, LIMITS.address, now);
    }
    return {
      succeeded: async () => {
        await attempts.clear(account);
        await attempts.release(address);
        await attempts.pruneBefore(new Date(now.getTime() - LIMITS.address.windowMs));
      },
    };
  }

  private async limited(attempts: LoginAttemptRepository, key: string, limit: Limit, now: Date) {
    const startedAt = (await attempts.windowStartedAt(key)) ?? now;
    const waitMs = Math.max(1000, startedAt.getTime() + limit.windowMs - now.getTime());
    return new AppError("rate_limited", "too many failed sign-ins; try again later", {
      details: { retryAfterSeconds: Math.ceil(waitMs / 1000) },
    });
  }
}
