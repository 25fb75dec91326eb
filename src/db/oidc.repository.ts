import type { Role } from "../domain/role.ts";
import type { Db } from "./database.ts";

export interface OidcProviderWrite {
  enabled: boolean;
  issuerUrl: string;
  clientId: string;
  /** Sealed; null: none (a public client). */
  clientSecret: string | null;
  displayName: string;
  defaultRole: Role;
  allowedDomains: string[];
  at: Date;
}

/** The single sign-on provider, the started sign-ins, and the password-login switch (migration 0016). */
export class OidcRepository {
  constructor(private readonly db: Db) {}

  async provider() {
    return this.db.selectFrom("oidc_provider").selectAll().executeTakeFirst();
  }

  async saveProvider(p: OidcProviderWrite): Promise<void> {
    const values = {
      enabled: p.enabled,
      issuer_url: p.issuerUrl,
      client_id: p.clientId,
      client_secret: p.clientSecret,
      display_name: p.displayName,
      default_role: p.defaultRole,
      allowed_domains: JSON.stringify(p.allowedDomains),
      updated_at: p.at,
    };
    await this.db
      .insertInto("oidc_provider")
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }

  async deleteProvider(): Promise<boolean> {
    const rows = await this.db.deleteFrom("oidc_provider").returning("id").execute();
    return rows.length > 0;
  }

  async insertLogin(login: {
    idHash: string;
    state: string;
    nonce: string;
    codeVerifier: string;
    redirectUri: string;
    at: Date;
  }): Promise<void> {
    await this.db
      .insertInto("oidc_logins")
      .values({
        id: login.idHash,
        state: login.state,
        nonce: login.nonce,
        code_verifier: login.codeVerifier,
        redirect_uri: login.redirectUri,
        created_at: login.at,
      })
      .execute();
  }

  /** Takes a started sign-in (it is used once: deleted as it is read). */
  async takeLogin(idHash: string) {
    return this.db.deleteFrom("oidc_logins").where("id", "=", idHash).returningAll().executeTakeFirst();
  }

  async deleteLoginsBefore(at: Date): Promise<void> {
    await this.db.deleteFrom("oidc_logins").where("created_at", "<", at).execute();
  }

  async passwordLogin(): Promise<{ enabled: boolean; breakGlassUsername: string | null }> {
    const row = await this.db
      .selectFrom("security_settings")
      .select(["password_login_enabled", "break_glass_username"])
      .executeTakeFirst();
    return {
      enabled: row?.password_login_enabled ?? true,
      breakGlassUsername: row?.break_glass_username ?? null,
    };
  }

  async setPasswordLogin(enabled: boolean, breakGlassUsername: string | null, at: Date): Promise<void> {
    const values = {
      password_login_enabled: enabled,
      break_glass_username: breakGlassUsername,
      updated_at: at,
    };
    await this.db
      .insertInto("security_settings")
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }
}
