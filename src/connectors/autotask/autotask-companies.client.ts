import type { OrganizationType } from "../../domain/organization.ts";
import {
  type ConnectorDeps,
  ConnectorError,
  type FoundPsaOrganization,
  type PsaCreateAnswer,
  type PsaOrganizationInput,
  type PsaOrganizationWriter,
  type PsaOwner,
} from "../connector.ts";
import type { HttpSession } from "../http/http-client.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { redactSecrets } from "../http/redact.ts";
import { countRequests, startCountedSession } from "../http/request-counter.ts";
import { SeenIds } from "../record-checks.ts";
import { readCompanyTypes } from "./autotask.client.ts";
import { buildCompanyTypeLookup, type CompanyTypeLookup, mapAutotaskCompany } from "./autotask.mapper.ts";
import type { AutotaskSecrets, AutotaskSettings } from "./autotask.settings.ts";
import { sendAutotaskCreate } from "./autotask-create.ts";
import { AUTOTASK_VENDOR, asObject, queryAll } from "./autotask-rest.ts";

const FIELDS = ["id", "companyName", "companyType", "isActive", "parentCompanyID", "createDate"];
const RESOURCE_FIELDS = ["id", "firstName", "lastName", "email"];

/**
 * Creates companies in Autotask (POST /V1.0/Companies) and finds them by name, over one counted
 * REST session. Autotask requires companyName, companyType (a picklist id, read from the fields
 * endpoint, never hard-coded), phone and ownerResourceID on a create, and answers `{"itemId": N}`.
 * Autotask cannot delete a company through its API: a create is for good.
 */
export class AutotaskCompaniesClient implements PsaOrganizationWriter {
  private readonly settings: AutotaskSettings;
  private readonly session: { http: HttpSession; requestCount: () => number };
  private readonly createCounter: { deps: ConnectorDeps; count: () => number };
  private readonly secretValues: string[];
  private types: CompanyTypeLookup | undefined;

  constructor(
    settings: AutotaskSettings,
    private readonly secrets: AutotaskSecrets,
    private readonly deps: ConnectorDeps = {},
    private readonly signal?: AbortSignal,
  ) {
    this.settings = withoutTrailingSlash(settings);
    this.secretValues = [secrets.secret, secrets.apiIntegrationCode, secrets.userName];
    this.session = startCountedSession(
      { vendor: AUTOTASK_VENDOR, ...this.settings, secrets: this.secretValues, deps },
      signal,
    );
    this.createCounter = countRequests(deps);
  }

  requestCount(): number {
    return this.session.requestCount() + this.createCounter.count();
  }

  private async typeLookup(): Promise<CompanyTypeLookup> {
    this.types ??= buildCompanyTypeLookup(
      await readCompanyTypes(this.session.http, this.settings, this.secrets),
    );
    return this.types;
  }

  async findByName(name: string): Promise<FoundPsaOrganization[]> {
    const types = await this.typeLookup();
    const found: FoundPsaOrganization[] = [];
    const pages = queryAll(
      this.session.http,
      this.settings,
      this.secrets,
      "Companies",
      [{ op: "eq", field: "companyName", value: name }],
      FIELDS,
    );
    for await (const items of pages) {
      for (const raw of items) {
        const mapped = mapAutotaskCompany(raw, types, new SeenIds());
        if (!("record" in mapped)) continue;
        const created = asObject(raw).createDate;
        const createdAt = typeof created === "string" ? new Date(created) : null;
        found.push({
          ...mapped.record,
          createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
        });
      }
    }
    return found;
  }

  /**
   * The active Resources (POST /V1.0/Resources/query, isActive eq true, paged like every query),
   * by name: who may own a new company (ownerResourceID). A record without a numeric id is skipped.
   */
  async listOwners(): Promise<PsaOwner[]> {
    const owners = new Map<string, PsaOwner>();
    const pages = queryAll(
      this.session.http,
      this.settings,
      this.secrets,
      "Resources",
      [{ op: "eq", field: "isActive", value: true }],
      RESOURCE_FIELDS,
    );
    for await (const items of pages) {
      for (const raw of items) {
        const record = asObject(raw);
        const id = typeof record.id === "number" || typeof record.id === "string" ? String(record.id) : "";
        if (!/^\d{1,18}$/.test(id)) continue;
        const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
        const name = `${text(record.firstName)} ${text(record.lastName)}`.trim() || `Resource ${id}`;
        owners.set(id, { id, name, email: text(record.email) || null });
      }
    }
    return [...owners.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async create(input: PsaOrganizationInput): Promise<PsaCreateAnswer> {
    let typeId: string | undefined;
    try {
      typeId = typeIdOf(await this.typeLookup(), input.type);
    } catch (error) {
      return { kind: "failed", message: this.words(error), mayBeApplied: false };
    }
    if (typeId === undefined) {
      return {
        kind: "failed",
        message: `${AUTOTASK_VENDOR}: the company type list has no "${input.type}"`,
        mayBeApplied: false,
      };
    }
    const body = {
      companyName: input.name,
      companyType: Number(typeId),
      phone: input.phone,
      ownerResourceID: Number(input.ownerResourceId),
      isActive: true,
      ...(input.parentPsaId === null ? {} : { parentCompanyID: Number(input.parentPsaId) }),
    };
    const answer = await sendAutotaskCreate({
      url: `${this.settings.baseUrl}/V1.0/Companies`,
      body: JSON.stringify(body),
      settings: this.settings,
      secrets: this.secrets,
      deps: { ...this.deps, fetch: this.createCounter.deps.fetch ?? this.deps.fetch },
      deadlineAt: this.session.http.deadlineAt,
      secretValues: this.secretValues,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    return answer.kind === "created"
      ? { kind: "created", psaId: answer.itemId, answer: answer.answer }
      : answer;
  }

  private words(error: unknown): string {
    const message = error instanceof ConnectorError ? error.message : `${AUTOTASK_VENDOR}: ${String(error)}`;
    return redactSecrets(message, this.secretValues);
  }
}

function typeIdOf(types: CompanyTypeLookup, type: OrganizationType): string | undefined {
  for (const [id, entry] of types) if (entry.type === type) return id;
  return undefined;
}
