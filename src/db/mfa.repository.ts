import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";

/** TOTP secrets (sealed), recovery codes (hashes), sign-in challenges and the MFA switch. */
export class MfaRepository {
  constructor(private readonly db: Db) {}

  async totpOf(userId: string) {
    if (!isUuid(userId)) return undefined;
    return this.db
      .selectFrom("users")
      .select(["id", "username", "role", "is_disabled", "totp_secret", "totp_enabled_at", "totp_last_step"])
      .where("id", "=", userId)
      .executeTakeFirst();
  }

  /** Locks the user's row for a read-check-write of its TOTP state (inside a transaction). */
  async lockTotpOf(userId: string) {
    if (!isUuid(userId)) return undefined;
    return this.db
      .selectFrom("users")
      .select(["id", "username", "role", "totp_secret", "totp_enabled_at", "totp_last_step"])
      .where("id", "=", userId)
      .forUpdate()
      .executeTakeFirst();
  }

  async setTotp(
    userId: string,
    state: { secret: string | null; enabledAt: Date | null; lastStep: number | null },
  ) {
    await this.db
      .updateTable("users")
      .set({ totp_secret: state.secret, totp_enabled_at: state.enabledAt, totp_last_step: state.lastStep })
      .where("id", "=", userId)
      .execute();
  }

  async setLastStep(userId: string, step: number): Promise<void> {
    await this.db.updateTable("users").set({ totp_last_step: step }).where("id", "=", userId).execute();
  }

  async replaceRecoveryCodes(userId: string, hashes: readonly string[]): Promise<void> {
    await this.db.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
    if (hashes.length > 0)
      await this.db
        .insertInto("mfa_recovery_codes")
        .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
        .execute();
  }

  /** Marks an unused recovery code used; true when there was one (one statement: used once, even in parallel). */
  async spendRecoveryCode(userId: string, hash: string, at: Date): Promise<boolean> {
    const row = await this.db
      .updateTable("mfa_recovery_codes")
      .set({ used_at: at })
      .where("user_id", "=", userId)
      .where("code_hash", "=", hash)
      .where("used_at", "is", null)
      .returning("code_hash")
      .executeTakeFirst();
    return row !== undefined;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom("mfa_recovery_codes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertChallenge(challenge: {
    idHash: string;
    userId: string;
    at: Date;
    ip: string | null;
    userAgent: string | null;
  }) {
    await this.db
      .insertInto("mfa_challenges")
      .values({
        id: challenge.idHash,
        user_id: challenge.userId,
        created_at: challenge.at,
        ip: challenge.ip,
        user_agent: challenge.userAgent,
      })
      .execute();
  }

  async findChallenge(idHash: string) {
    return this.db.selectFrom("mfa_challenges").selectAll().where("id", "=", idHash).executeTakeFirst();
  }

  async deleteChallenge(idHash: string): Promise<void> {
    await this.db.deleteFrom("mfa_challenges").where("id", "=", idHash).execute();
  }

  async deleteChallengesBefore(at: Date): Promise<void> {
    await this.db.deleteFrom("mfa_challenges").where("created_at", "<", at).execute();
  }

  async isRequiredForAdmins(): Promise<boolean> {
    const row = await this.db
      .selectFrom("security_settings")
      .select("mfa_required_for_admins")
      .executeTakeFirst();
    return row?.mfa_required_for_admins ?? false;
  }

  async setRequiredForAdmins(value: boolean, at: Date): Promise<void> {
    // An upsert: a database restored without the row (or emptied by tests) still takes the switch.
    await this.db
      .insertInto("security_settings")
      .values({ id: 1, mfa_required_for_admins: value, updated_at: at })
      .onConflict((oc) => oc.column("id").doUpdateSet({ mfa_required_for_admins: value, updated_at: at }))
      .execute();
  }
}
