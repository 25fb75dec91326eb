import { type ConnectorDeps, ConnectorError } from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import { resolveNextPageUrl } from "../http/next-page-url.ts";
import { PageChain } from "../http/page-chain.ts";
import type { DattoRmmSecrets, DattoRmmSettings } from "./datto-rmm.settings.ts";

const VENDOR = "Datto RMM";
/** Datto's documented public OAuth client for API keys (not a secret). */
const OAUTH_CLIENT = `Basic ${Buffer.from("public-client:public").toString("base64")}`;

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * Datto RMM API access: an OAuth password-grant token (API key as user, secret key as password),
 * cached until shortly before it expires, and renewed once if the API answers 401.
 */
export class DattoRmmClient {
  private token: CachedToken | null = null;

  constructor(
    private readonly settings: DattoRmmSettings,
    private readonly secrets: DattoRmmSecrets,
    private readonly deps: ConnectorDeps = {},
  ) {}

  /** Reads every page of GET /api/v2/account/sites, following `pageDetails.nextPageUrl`. */
  readSites(http: HttpSession): AsyncGenerator<unknown[]> {
    return this.pages(http, `/api/v2/account/sites?max=${this.settings.pageSize}&page=0`, "sites");
  }

  /** Every page of a list of the API (`path` below the base URL), each page's `key` array. */
  async *pages(http: HttpSession, path: string, key: string): AsyncGenerator<unknown[]> {
    const chain = new PageChain(VENDOR);
    let url: string | null = `${this.settings.baseUrl}${path}`;
    while (url !== null) {
      chain.visit(url);
      const body = await this.getWithToken(http, url);
      const object = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
      const items = object[key];
      if (!Array.isArray(items)) throw new ConnectorError(`${VENDOR}: a ${key} page has no "${key}" array`);
      yield items;
      const next = (object.pageDetails as { nextPageUrl?: unknown } | undefined)?.nextPageUrl;
      url =
        typeof next === "string" && next !== ""
          ? resolveNextPageUrl(VENDOR, this.settings.baseUrl, next)
          : null;
    }
  }

  private async getWithToken(http: HttpSession, url: string): Promise<unknown> {
    const token = await this.accessToken(http);
    try {
      return await http.requestJson({ url, headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.details.status !== 401) throw error;
      // The token may have expired or been revoked mid-run: get a fresh one, once.
      this.token = null;
      const fresh = await this.accessToken(http);
      return http.requestJson({ url, headers: { authorization: `Bearer ${fresh}` } });
    }
  }

  private async accessToken(http: HttpSession): Promise<string> {
    const now = (this.deps.now ?? Date.now)();
    if (this.token && this.token.expiresAt > now) {
      http.addSecret(this.token.value);
      return this.token.value;
    }
    const body = await http.requestJson({
      method: "POST",
      url: `${this.settings.baseUrl}/auth/oauth/token`,
      headers: { authorization: OAUTH_CLIENT, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        username: this.secrets.apiKey,
        password: this.secrets.apiSecret,
      }).toString(),
    });
    const answer = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof answer.access_token !== "string" || answer.access_token === "") {
      throw new ConnectorError(`${VENDOR}: the token endpoint answered without an access_token`);
    }
    http.addSecret(answer.access_token);
    const lifetimeMs = typeof answer.expires_in === "number" ? answer.expires_in * 1000 : 3_600_000;
    // Renew a minute early so a token never expires between the check and the request.
    this.token = { value: answer.access_token, expiresAt: now + Math.max(0, lifetimeMs - 60_000) };
    return this.token.value;
  }
}
