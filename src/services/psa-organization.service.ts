import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { importDirOf } from "../config.ts";
import {
  type ConnectorDeps,
  ConnectorError,
  type FoundPsaOrganization,
  type PsaOrganizationInput,
  type PsaOrganizationWriter,
  type PsaOwner,
} from "../connectors/connector.ts";
import { createOrganizationWriter } from "../connectors/connector-registry.ts";
import type { AppContext } from "../context.ts";
import type { PsaCreateAttemptRow } from "../db/alert-schema.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError, invalidValue, notFound } from "../domain/errors.ts";
import { isMappableType, type OrganizationType } from "../domain/organization.ts";
import { requireReadyModule } from "./mapping-rules.ts";
import {
  attemptInput,
  type CreatedPsaOrganization,
  closedFailed,
  createdFrom,
  finishCreate,
  sameInput,
} from "./psa-organization.finish.ts";
import type { SecretBox } from "./secret-box.ts";
import { openConnectorSecrets } from "./sync/sync-connectors.ts";

/** Autotask's limit on companyName. */
export const PSA_NAME_MAX = 100;
/** A company the PSA dates this much before the attempt was not made by it (clocks differ a little). */
const CLOCK_SLACK_MS = 5 * 60_000;

export interface PsaOrganizationServiceOptions {
  /** Connector effects (tests: the emulator's fetch, a fast sleep). */
  deps?: ConnectorDeps;
  /** This process's name on attempt leases. */
  owner?: string;
}

export interface CreatePsaOrganizationRequest {
  name?: string | undefined;
  type?: OrganizationType | undefined;
  /** The parent organization (ours); undefined: the prefilled one; null: none. */
  parentOrganizationId?: string | null | undefined;
  phone: string;
  ownerResourceId: string;
}

/**
 * Creates the PSA organization of a module organization that has none (issue 14 item 5): the
 * company in the PSA, then at once the organization here and the mapping to it, in one audited
 * step (Undo unmaps; the company stays, since Autotask cannot delete one through its API).
 *
 * Exactly once: the attempt is stored with its key before the call; an answer that may have been
 * lost (a timeout, a 5xx, a garbled answer, a killed process) is settled by looking the company up
 * by name (and its creation time), never by sending the create again; an attempt left open is
 * resumed by the next request for the same module organization, which looks before it sends.
 */
export class PsaOrganizationService {
  private readonly owner: string;

  constructor(
    private readonly ctx: AppContext,
    private readonly secretBox: SecretBox,
    private readonly options: PsaOrganizationServiceOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  }

  /**
   * What the "Create in Autotask" form starts from: the name, Customer, the parent, whether it
   * can, and the PSA's active people to choose the owner from (`owners`; null with `ownersError`
   * when they could not be read: the form then asks for the owner's resource id typed by hand).
   */
  async prefill(moduleOrganizationId: string) {
    const repos = repositories(this.ctx.db);
    const moduleOrganization = await repos.moduleOrganizations.findById(moduleOrganizationId);
    if (!moduleOrganization)
      throw notFound("module organization", moduleOrganizationId, "moduleOrganizationId");
    const connection = await repos.psaConnection.get();
    const mapping = await repos.mappings.findMapping(moduleOrganization.id);
    const parent = await this.parentOf(repos, moduleOrganization.parent_id);
    const open = await repos.psaCreateAttempts.findOpen(moduleOrganization.id);
    const whyNot = !connection.connector_kind
      ? "no PSA connection is configured"
      : connection.connector_kind !== "autotask"
        ? `the ${connection.connector_kind} PSA connector cannot create organizations`
        : mapping
          ? `already mapped to ${mapping.organization_name}`
          : null;
    const owners = whyNot === null ? await this.owners(repos) : { owners: null, ownersError: null };
    return {
      moduleOrganizationId: moduleOrganization.id,
      name: moduleOrganization.name.slice(0, PSA_NAME_MAX),
      type: "Customer" as OrganizationType,
      parent,
      canCreate: whyNot === null,
      whyNot,
      openAttempt: open
        ? { id: open.id, name: open.name, createdAt: new Date(open.created_at).toISOString() }
        : null,
      ...owners,
    };
  }

  /** The PSA's active people (owners of a new organization), or why they could not be read. */
  private async owners(
    repos: Repositories,
  ): Promise<{ owners: PsaOwner[] | null; ownersError: string | null }> {
    try {
      const { writer } = await this.writer(repos);
      return { owners: await writer.listOwners(), ownersError: null };
    } catch (error) {
      const message =
        error instanceof ConnectorError
          ? error.publicMessage
          : error instanceof AppError
            ? error.message
            : "the PSA could not be read";
      return { owners: null, ownersError: `could not read the PSA's resources: ${message}` };
    }
  }

  /** The organization the module organization's parent is mapped to (a sub-organization's default parent). */
  private async parentOf(repos: Repositories, parentModuleOrganizationId: string | null) {
    if (!parentModuleOrganizationId) return null;
    const mapping = await repos.mappings.findMapping(parentModuleOrganizationId);
    if (!mapping) return null;
    const organization = await repos.organizations.findById(mapping.organization_id);
    if (!organization || !isMappableType(organization.type)) return null;
    return { organizationId: organization.id, name: organization.name, psaId: organization.psa_id };
  }

  async create(
    actor: Actor,
    moduleOrganizationId: string,
    request: CreatePsaOrganizationRequest,
  ): Promise<CreatedPsaOrganization> {
    const repos = repositories(this.ctx.db);
    const moduleOrganization = await repos.moduleOrganizations.findById(moduleOrganizationId);
    if (!moduleOrganization)
      throw notFound("module organization", moduleOrganizationId, "moduleOrganizationId");
    await requireReadyModule(repos, moduleOrganization.module_key);
    const mapping = await repos.mappings.findMapping(moduleOrganization.id);
    if (mapping) {
      throw new AppError(
        "conflict",
        `${moduleOrganization.name} is already mapped to ${mapping.organization_name}`,
        {
          details: { organizationId: mapping.organization_id, organizationName: mapping.organization_name },
        },
      );
    }
    const { writer, leaseMs } = await this.writer(repos);
    const input = await this.inputOf(repos, moduleOrganization, request);
    // A lease per request, not per process: two requests of one process must not share an attempt.
    const owner = `${this.owner}:${randomBytes(4).toString("hex")}`;

    let attempt = await repos.psaCreateAttempts.open(
      { ...input, attemptKey: randomUUID(), moduleOrganizationId: moduleOrganization.id, actor: actor.label },
      owner,
      leaseMs,
    );
    let isResumed = false;
    if (!attempt) {
      const open = await repos.psaCreateAttempts.findOpen(moduleOrganization.id);
      attempt = open ? await repos.psaCreateAttempts.claim(open.id, owner, leaseMs) : undefined;
      if (!attempt) {
        throw new AppError(
          "conflict",
          `${moduleOrganization.name} is being created in the PSA by another request; try again shortly`,
        );
      }
      isResumed = true;
    }
    if (!isResumed) await this.refuseLocalDuplicate(repos, attempt, owner);
    // Look before sending: a company of this name that the PSA has already (not synced yet), or the
    // one an earlier attempt made before its answer was lost (only a resumed attempt sent one).
    const found = await this.lookUp(writer, attempt, isResumed);
    if (found.mine) return finishCreate(this.ctx, actor, attempt, owner, found.mine, "lookup");
    if (found.other) throw await this.exists(attempt, owner, found.other);
    if (isResumed && !sameInput(attempt, input)) {
      // The earlier attempt's company is not in the PSA: it was not applied; this request's input wins.
      await repos.psaCreateAttempts.close(
        attempt.id,
        owner,
        closedFailed(this.ctx, "superseded; not found in the PSA"),
      );
      return this.create(actor, moduleOrganizationId, request);
    }
    const answer = await writer.create(attemptInput(attempt));
    if (answer.kind === "created") {
      return finishCreate(
        this.ctx,
        actor,
        attempt,
        owner,
        createdFrom(attempt, answer.psaId),
        "answer",
        answer.answer,
      );
    }
    if (!answer.mayBeApplied) {
      await repos.psaCreateAttempts.close(attempt.id, owner, closedFailed(this.ctx, answer.message));
      throw new AppError("upstream_error", answer.message, { details: { attemptId: attempt.id } });
    }
    const after = await this.lookUp(writer, attempt, true).catch(() => null);
    if (after?.mine) return finishCreate(this.ctx, actor, attempt, owner, after.mine, "lookup");
    if (after?.other) throw await this.exists(attempt, owner, after.other);
    // Not found (or the look-up failed too): the create may still land. The attempt stays open and
    // its lease is given up, so a retry resumes it and looks again before it sends anything.
    await repos.psaCreateAttempts.release(attempt.id, owner);
    throw new AppError(
      "psa_answer_lost",
      `the PSA's answer to the create was lost (${answer.message}); try again: the retry looks for the company first, so it is never created twice`,
      { details: { attemptId: attempt.id } },
    );
  }

  /** The PSA's writer for the configured connection; 409 when its kind cannot create organizations. */
  private async writer(repos: Repositories): Promise<{ writer: PsaOrganizationWriter; leaseMs: number }> {
    const connection = await repos.psaConnection.get();
    if (!connection.connector_kind) {
      throw new AppError(
        "psa_cannot_create",
        "no PSA connection is configured: nothing to create the organization in",
      );
    }
    let writer: PsaOrganizationWriter | null;
    try {
      writer = createOrganizationWriter(
        connection.connector_kind,
        connection.connector_settings,
        openConnectorSecrets(this.secretBox, null, connection.connector_secrets),
        { importDir: importDirOf(this.ctx.config), ...this.options.deps },
      );
    } catch (error) {
      throw new AppError(
        "psa_cannot_create",
        `the PSA connection is not usable: ${(error as Error).message}`,
      );
    }
    if (!writer) {
      throw new AppError(
        "psa_cannot_create",
        `the ${connection.connector_kind} PSA connector cannot create organizations: add the organization to the PSA's source and sync`,
        { details: { connectorKind: connection.connector_kind } },
      );
    }
    const total = Number((connection.connector_settings as Record<string, unknown> | null)?.totalTimeoutMs);
    // The lease outlives the writer's whole session: no call of a stopped request is still in
    // flight when another request resumes the attempt.
    return { writer, leaseMs: (Number.isFinite(total) && total > 0 ? total : 120_000) + 60_000 };
  }

  private async inputOf(
    repos: Repositories,
    moduleOrganization: { name: string; parent_id: string | null },
    request: CreatePsaOrganizationRequest,
  ): Promise<PsaOrganizationInput> {
    const name = (request.name ?? moduleOrganization.name).trim();
    if (name.length === 0) throw invalidValue("name", "name must not be empty");
    if (name.length > PSA_NAME_MAX)
      throw invalidValue("name", `name is longer than the PSA's ${PSA_NAME_MAX} characters`);
    const type = request.type ?? "Customer";
    if (!isMappableType(type)) {
      throw invalidValue("type", `a ${type} organization cannot be a mapping target; choose another type`);
    }
    let parentPsaId: string | null = null;
    if (request.parentOrganizationId === undefined) {
      parentPsaId = (await this.parentOf(repos, moduleOrganization.parent_id))?.psaId ?? null;
    } else if (request.parentOrganizationId !== null) {
      const parent = await repos.organizations.findById(request.parentOrganizationId);
      if (!parent) throw notFound("organization", request.parentOrganizationId, "parentOrganizationId");
      parentPsaId = parent.psa_id;
    }
    return {
      name,
      type,
      parentPsaId,
      phone: request.phone.trim(),
      ownerResourceId: request.ownerResourceId.trim(),
    };
  }

  /** 409 naming the organization here that has the attempt's name already (the attempt is closed). */
  private async refuseLocalDuplicate(
    repos: Repositories,
    attempt: PsaCreateAttemptRow,
    owner: string,
  ): Promise<void> {
    const [local] = await repos.organizations.findByNameIgnoringCase(attempt.name);
    if (!local) return;
    await repos.psaCreateAttempts.close(
      attempt.id,
      owner,
      closedFailed(this.ctx, `${local.name} exists here already (PSA id ${local.psa_id})`),
    );
    throw new AppError(
      "organization_exists",
      `an organization named ${local.name} exists already (PSA id ${local.psa_id}); map to it instead`,
      {
        field: "name",
        details: { organizationId: local.id, organizationName: local.name, psaId: local.psa_id },
      },
    );
  }

  /**
   * The PSA's companies of the attempt's name: one made by this attempt (dated after it was
   * stored, give or take the clocks' slack), or another one that was there before.
   */
  private async lookUp(writer: PsaOrganizationWriter, attempt: PsaCreateAttemptRow, canBeMine: boolean) {
    let companies: FoundPsaOrganization[];
    try {
      companies = await writer.findByName(attempt.name);
    } catch (error) {
      const message = error instanceof ConnectorError ? error.publicMessage : "the PSA could not be read";
      throw new AppError("upstream_error", `could not look the name up in the PSA first: ${message}`, {
        details: { attemptId: attempt.id },
      });
    }
    const since = new Date(attempt.created_at).getTime() - CLOCK_SLACK_MS;
    const mine = canBeMine
      ? companies.find((c) => c.createdAt === null || c.createdAt.getTime() >= since)
      : undefined;
    const other = companies.find((c) => c !== mine);
    return { mine: mine ?? null, other: mine ? null : (other ?? null) };
  }

  private async exists(
    attempt: PsaCreateAttemptRow,
    owner: string,
    company: FoundPsaOrganization,
  ): Promise<AppError> {
    await repositories(this.ctx.db).psaCreateAttempts.close(
      attempt.id,
      owner,
      closedFailed(this.ctx, `the PSA has ${company.name} already (id ${company.psaId})`),
    );
    return new AppError(
      "organization_exists",
      `the PSA has an organization named ${company.name} already (PSA id ${company.psaId}); sync the PSA and map to it`,
      { field: "name", details: { psaId: company.psaId, organizationName: company.name } },
    );
  }
}

export type { CreatedPsaOrganization } from "./psa-organization.finish.ts";
