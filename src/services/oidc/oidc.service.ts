import { randomBytes } from "node:crypto";
import * as client from "openid-client";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import { type Actor, systemActor } from "../../domain/actor.ts";
import { AppError, invalidValue } from "../../domain/errors.ts";
import type { Role } from "../../domain/role.ts";
import type { AuthService } from "../auth.service.ts";
import { sha256 } from "../auth-secrets.ts";
import type { SecretBox } from "../secret-box.ts";
import { inUnitOfWork } from "../unit-of-work.ts";

/** How long a started sign-in may take at the provider before its callback. */
export const OIDC_LOGIN_MS = 10 * 60_000;
/** Discovery documents are kept this long (a provider's keys rotate; openid-client refetches JWKS itself). */
const DISCOVERY_MS = 10 * 60_000;
const SECRET_CONTEXT = "oidc:client";
const VERIFIER_CONTEXT = "oidc:verifier";
/** A password hash no password verifies against: users created by single sign-on have no password. */
export const NO_PASSWORD = "!sso";

/** Why a single sign-on was refused; the login page shows a sentence for each. */
export type SsoFailure =
  | "not_configured"
  | "expired"
  | "provider_error"
  | "rejected"
  | "no_verified_email"
  | "domain_not_allowed"
  | "user_disabled"
  | "username_taken";

export class SsoError extends Error {
  constructor(
    readonly reason: SsoFailure,
    message: string,
  ) {
    super(message);
    this.name = "SsoError";
  }
}

export interface SsoSettingsInput {
  enabled: boolean;
  issuerUrl: string;
  clientId: string;
  /** A new secret; undefined keeps the stored one (unless the issuer or client changes); null removes it. */
  clientSecret?: string | null | undefined;
  displayName: string;
  defaultRole: Role;
  allowedDomains: string[];
}

export interface SsoSettingsView {
  configured: boolean;
  enabled: boolean;
  issuerUrl: string | null;
  clientId: string | null;
  hasClientSecret: boolean;
  displayName: string | null;
  defaultRole: Role;
  allowedDomains: string[];
  /** The address to register at the provider as the redirect (reply) URI. */
  redirectUri: string;
}

export interface PasswordLoginSettings {
  passwordLoginEnabled: boolean;
  breakGlassUsername: string | null;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http only to this machine (a provider under test); no credentials, query or fragment. */
function checkedIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidValue("issuerUrl", "the issuer URL is not a URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw invalidValue("issuerUrl", "the issuer URL must use https (http only for localhost)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalidValue("issuerUrl", "the issuer URL has no user, query or fragment");
  }
  return url.href.replace(/\/$/, "");
}

function checkedDomains(domains: string[]): string[] {
  const clean = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean))];
  for (const d of clean) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d))
      throw invalidValue("allowedDomains", `${JSON.stringify(d)} is not a domain name`);
  }
  return clean;
}

/** The verified e-mail of the ID token's claims, or null (Entra ID marks it with `xms_edov`). */
export function verifiedEmail(claims: Record<string, unknown>): string | null {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) return null;
  return claims.email_verified === true || claims.xms_edov === true ? email : null;
}

/**
 * Single sign-on with OpenID Connect (issue 11): the authorization code flow with PKCE, state and
 * nonce (openid-client), against the one provider an admin configures (Microsoft Entra ID or any
 * standard issuer). Users are matched by their verified e-mail or created with the default role
 * (audited). orgmap's own MFA is not asked after single sign-on: the provider does it.
 */
export class OidcService {
  private discovered: { key: string; at: number; config: Promise<client.Configuration> } | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly box: SecretBox,
    private readonly auth: AuthService,
  ) {}

  /** The redirect URI: ORGMAP_PUBLIC_URL when set, else the origin the browser used. */
  redirectUri(requestOrigin: string): string {
    const base = (this.ctx.config.publicUrl ?? requestOrigin).replace(/\/+$/, "");
    return `${base}/auth/oidc/callback`;
  }

  async settings(requestOrigin: string): Promise<SsoSettingsView> {
    const row = await repositories(this.ctx.db).oidc.provider();
    return {
      configured: row !== undefined,
      enabled: row?.enabled ?? false,
      issuerUrl: row?.issuer_url ?? null,
      clientId: row?.client_id ?? null,
      hasClientSecret: row?.client_secret != null,
      displayName: row?.display_name ?? null,
      defaultRole: row?.default_role ?? "viewer",
      allowedDomains: row?.allowed_domains ?? [],
      redirectUri: this.redirectUri(requestOrigin),
    };
  }

  /** What the login page shows: the provider's button, and whether the password form is for everyone. */
  async publicInfo(): Promise<{ provider: { displayName: string } | null; passwordLoginEnabled: boolean }> {
    const repos = repositories(this.ctx.db);
    const row = await repos.oidc.provider();
    return {
      provider: row?.enabled ? { displayName: row.display_name } : null,
      passwordLoginEnabled: (await repos.oidc.passwordLogin()).enabled,
    };
  }

  async saveSettings(actor: Actor, input: SsoSettingsInput, requestOrigin: string): Promise<SsoSettingsView> {
    const issuerUrl = checkedIssuer(input.issuerUrl);
    const allowedDomains = checkedDomains(input.allowedDomains);
    const clientId = input.clientId.trim();
    if (!clientId) throw invalidValue("clientId", "the client id is required");
    const displayName = input.displayName.trim();
    if (!displayName) throw invalidValue("displayName", "the display name is required");
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.oidc.provider();
      // Like connector credentials: a secret stays with the issuer and client it was entered for.
      const sameClient = before?.issuer_url === issuerUrl && before?.client_id === clientId;
      const clientSecret =
        input.clientSecret === undefined
          ? sameClient
            ? (before?.client_secret ?? null)
            : null
          : input.clientSecret === null || input.clientSecret === ""
            ? null
            : this.box.seal({ secret: input.clientSecret }, SECRET_CONTEXT);
      if (!input.enabled && before?.enabled !== false && !(await repos.oidc.passwordLogin()).enabled) {
        throw new AppError(
          "conflict",
          "password sign-in is off: turn it on before turning single sign-on off, or no one but the break-glass admin can sign in",
          { field: "enabled" },
        );
      }
      await repos.oidc.saveProvider({
        enabled: input.enabled,
        issuerUrl,
        clientId,
        clientSecret,
        displayName,
        defaultRole: input.defaultRole,
        allowedDomains,
        at: step.at,
      });
      const view = (r: typeof before) =>
        r === undefined
          ? null
          : {
              enabled: r.enabled,
              issuerUrl: r.issuer_url,
              clientId: r.client_id,
              hasClientSecret: r.client_secret !== null,
              displayName: r.display_name,
              defaultRole: r.default_role,
              allowedDomains: r.allowed_domains,
            };
      step.record({
        action: "security.sso_updated",
        entityType: "security",
        entityId: "sso",
        summary: `single sign-on with ${displayName} ${input.enabled ? "on" : "off"}`,
        before: view(before),
        after: view(await repos.oidc.provider()),
      });
    });
    this.discovered = undefined;
    return this.settings(requestOrigin);
  }

  async deleteSettings(actor: Actor): Promise<void> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await repos.oidc.passwordLogin()).enabled)
        throw new AppError("conflict", "password sign-in is off: turn it on before removing single sign-on");
      if (!(await repos.oidc.deleteProvider()))
        throw new AppError("not_found", "no single sign-on is set up");
      step.record({
        action: "security.sso_removed",
        entityType: "security",
        entityId: "sso",
        summary: "single sign-on removed",
        before: null,
        after: null,
      });
    });
    this.discovered = undefined;
  }

  async passwordLoginSettings(): Promise<PasswordLoginSettings> {
    const row = await repositories(this.ctx.db).oidc.passwordLogin();
    return { passwordLoginEnabled: row.enabled, breakGlassUsername: row.breakGlassUsername };
  }

  /**
   * Turns password sign-in off (for everyone but the named break-glass admin) or on. Off needs single
   * sign-on on and an enabled admin to name, so the instance cannot lock itself out.
   */
  async setPasswordLogin(
    actor: Actor,
    patch: { passwordLoginEnabled?: boolean | undefined; breakGlassUsername?: string | null | undefined },
  ): Promise<PasswordLoginSettings> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const before = await repos.oidc.passwordLogin();
      const enabled = patch.passwordLoginEnabled ?? before.enabled;
      const breakGlass =
        patch.breakGlassUsername === undefined
          ? before.breakGlassUsername
          : patch.breakGlassUsername?.trim() || null;
      if (!enabled) {
        const provider = await repos.oidc.provider();
        if (!provider?.enabled)
          throw new AppError("conflict", "turn single sign-on on before turning password sign-in off", {
            field: "passwordLoginEnabled",
          });
        const admin = breakGlass === null ? undefined : await repos.users.findByUsername(breakGlass);
        if (admin?.role !== "admin" || admin.is_disabled)
          throw invalidValue(
            "breakGlassUsername",
            "name an enabled admin who may still sign in with a password (the break-glass account)",
          );
      }
      if (enabled !== before.enabled || breakGlass !== before.breakGlassUsername) {
        await repos.oidc.setPasswordLogin(enabled, breakGlass, step.at);
        step.record({
          action: "security.updated",
          entityType: "security",
          entityId: "security",
          summary: enabled
            ? "password sign-in on for everyone"
            : `password sign-in off for everyone but the break-glass admin ${breakGlass}`,
          before: { passwordLoginEnabled: before.enabled, breakGlassUsername: before.breakGlassUsername },
          after: { passwordLoginEnabled: enabled, breakGlassUsername: breakGlass },
        });
      }
      return { passwordLoginEnabled: enabled, breakGlassUsername: breakGlass };
    });
  }

  /** Whether this username may sign in with a password now (always, unless turned off). */
  async passwordLoginAllowed(username: string): Promise<boolean> {
    const setting = await repositories(this.ctx.db).oidc.passwordLogin();
    return (
      setting.enabled || (setting.breakGlassUsername !== null && setting.breakGlassUsername === username)
    );
  }

  private async configuration(row: {
    issuer_url: string;
    client_id: string;
    client_secret: string | null;
  }): Promise<client.Configuration> {
    const key = `${row.issuer_url}\n${row.client_id}\n${row.client_secret ?? ""}`;
    const now = Date.now();
    if (this.discovered?.key === key && now - this.discovered.at < DISCOVERY_MS)
      return this.discovered.config;
    const secret =
      row.client_secret === null
        ? undefined
        : String(this.box.open(row.client_secret, SECRET_CONTEXT).secret);
    const url = new URL(row.issuer_url);
    const config = client.discovery(
      url,
      row.client_id,
      undefined,
      secret === undefined ? client.None() : client.ClientSecretPost(secret),
      {
        timeout: 10,
        ...(url.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {}),
      },
    );
    this.discovered = { key, at: now, config };
    config.catch(() => {
      if (this.discovered?.config === config) this.discovered = undefined;
    });
    return config;
  }

  /**
   * Starts a sign-in: the provider's authorization URL (code flow, PKCE S256, state, nonce) and the
   * value of the browser's login cookie, which the callback must bring back.
   */
  async start(requestOrigin: string): Promise<{ url: string; loginCookie: string }> {
    const repos = repositories(this.ctx.db);
    const row = await repos.oidc.provider();
    if (!row?.enabled) throw new SsoError("not_configured", "single sign-on is not set up");
    let config: client.Configuration;
    try {
      config = await this.configuration(row);
    } catch (error) {
      this.ctx.log.warn({ err: describe(error) }, "single sign-on: the provider's discovery failed");
      throw new SsoError("provider_error", "the identity provider cannot be reached");
    }
    const at = this.ctx.clock.now();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const redirectUri = this.redirectUri(requestOrigin);
    const loginCookie = randomBytes(32).toString("base64url");
    await repos.oidc.deleteLoginsBefore(new Date(at.getTime() - OIDC_LOGIN_MS));
    await repos.oidc.insertLogin({
      idHash: sha256(loginCookie),
      state,
      nonce,
      codeVerifier: this.box.seal({ v: codeVerifier }, VERIFIER_CONTEXT),
      redirectUri,
      at,
    });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid email profile",
      response_type: "code",
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url: url.href, loginCookie };
  }

  /**
   * The provider's callback: checks state, nonce and PKCE (openid-client), takes the verified e-mail,
   * matches or creates the user, and opens a session marked as single sign-on.
   */
  async complete(input: {
    loginCookie: string | undefined;
    callbackUrl: string;
    ip: string;
    userAgent: string | null;
  }) {
    const repos = repositories(this.ctx.db);
    const at = this.ctx.clock.now();
    const login = input.loginCookie ? await repos.oidc.takeLogin(sha256(input.loginCookie)) : undefined;
    if (!login || at.getTime() - new Date(login.created_at).getTime() > OIDC_LOGIN_MS)
      throw new SsoError("expired", "the sign-in expired or was started in another browser; start again");
    const row = await repos.oidc.provider();
    if (!row?.enabled) throw new SsoError("not_configured", "single sign-on is not set up");
    const callback = new URL(input.callbackUrl);
    const currentUrl = new URL(login.redirect_uri);
    currentUrl.search = callback.search;
    let claims: Record<string, unknown>;
    try {
      const config = await this.configuration(row);
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: String(this.box.open(login.code_verifier, VERIFIER_CONTEXT).v),
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
    } catch (error) {
      // The detail (which check failed) goes to the log only, never to the browser.
      this.ctx.log.warn({ err: describe(error) }, "single sign-on refused");
      throw new SsoError("rejected", "the identity provider's answer was refused");
    }
    const email = verifiedEmail(claims);
    if (email === null)
      throw new SsoError("no_verified_email", "the identity provider sent no verified e-mail address");
    const domains = row.allowed_domains;
    if (domains.length > 0 && !domains.includes(email.slice(email.lastIndexOf("@") + 1)))
      throw new SsoError("domain_not_allowed", "this e-mail domain may not sign in");
    const user = await inUnitOfWork(this.ctx, systemActor("sso"), async ({ repos: tx, step }) => {
      const found = await tx.users.findByEmail(email);
      if (found) return found;
      if (await tx.users.findByUsername(email))
        throw new SsoError("username_taken", "a user with this name but another e-mail address exists");
      const created = await tx.users.insert({
        username: email,
        email,
        passwordHash: NO_PASSWORD,
        role: row.default_role,
        mustChangePassword: false,
        at: step.at,
      });
      step.record({
        action: "user.created",
        entityType: "user",
        entityId: created.id,
        summary: `user ${created.username} (${created.role}) created at their first single sign-on with ${row.display_name}`,
        before: null,
        after: { username: created.username, role: created.role, via: "sso" },
      });
      return created;
    });
    if (user.is_disabled) throw new SsoError("user_disabled", "this user is disabled");
    return this.auth.openSession(user, at, input.ip, input.userAgent, "sso");
  }
}

/** An error's name, code and message (openid-client's say which check failed; they hold no secret). */
function describe(error: unknown) {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, code: (error as { code?: unknown }).code, message: error.message };
}
