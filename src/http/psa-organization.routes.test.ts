import { afterEach, describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
import { AUTOTASK_TEST_CREDENTIALS, startAutotaskServer } from "../../test/vendors/autotask.server.ts";
import type {
  AutotaskCompanyStore,
  CompanyCreateFault,
} from "../../test/vendors/autotask-companies.server.ts";
import { type AutotaskResource, generatedResources } from "../../test/vendors/autotask-resources.server.ts";
import { organizationName } from "../../test/vendors/org-names.ts";
import type { Fault, FaultRule, VendorServer } from "../../test/vendors/vendor-server.ts";
import { repositories } from "../db/repositories.ts";
import { cliActor } from "../domain/actor.ts";

/**
 * "Create in Autotask" (issue 14 item 5) through the HTTP app against the emulated Autotask, on
 * PGlite and PostgreSQL: the company is created once, stored and mapped in one audited step, and
 * every lost or garbled answer is settled by a look-up, never by a second company.
 */
describe("POST /module-organizations/:id/psa-organization", () => {
  const t = useTestApp();
  const servers: VendorServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function world(
    options: {
      faults?: FaultRule[];
      createFaults?: AutotaskCompanyStore["createFaults"];
      resources?: AutotaskResource[];
      maxPageSize?: number;
    } = {},
  ) {
    const store: AutotaskCompanyStore = {
      created: [],
      ...(options.createFaults ? { createFaults: options.createFaults } : {}),
    };
    const server = await startAutotaskServer({
      count: 30,
      companies: store,
      faults: options.faults ?? [],
      resources: options.resources ?? generatedResources(2),
      ...(options.maxPageSize ? { maxPageSize: options.maxPageSize } : {}),
    });
    servers.push(server);
    await t.services.syncConfig.configurePsa(cliActor, {
      connector: {
        kind: "autotask",
        settings: { baseUrl: server.url, maxAttempts: 2, requestTimeoutMs: 1_000 },
        secrets: AUTOTASK_TEST_CREDENTIALS,
      },
    });
    const module = await buildModule(t.ctx.db);
    const moduleOrganization = await buildModuleOrganization(t.ctx.db, module.key, {
      name: "Brand New Dental LLC",
    });
    const admin = await t.loginAs("admin");
    return { server, store, module, moduleOrganization, admin };
  }

  const create = (caller: Caller, id: string, body: Record<string, unknown> = {}) =>
    t.request(caller, {
      method: "POST",
      url: `/api/v1/module-organizations/${id}/psa-organization`,
      payload: { phone: "+1 555 0100", ownerResourceId: "29682885", ...body },
    });
  const creates = (server: VendorServer) =>
    server.requests.filter((r) => r.method === "POST" && r.path === "/V1.0/Companies");

  it("creates the company, stores it and maps the module organization in one step; undo unmaps and keeps the company", async () => {
    const { server, store, moduleOrganization, admin } = await world();
    const prefill = await t.request(admin, {
      method: "GET",
      url: `/api/v1/module-organizations/${moduleOrganization.id}/psa-organization`,
    });
    expect(prefill.json()).toMatchObject({
      name: "Brand New Dental LLC",
      type: "Customer",
      parent: null,
      canCreate: true,
    });

    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      organization: { psaId: "900000", name: "Brand New Dental LLC", type: "Customer" },
      isMapped: true,
      confirmedBy: "answer",
    });
    expect(store.created).toHaveLength(1);
    expect(JSON.parse(creates(server)[0]!.body)).toEqual({
      companyName: "Brand New Dental LLC",
      companyType: 1,
      phone: "+1 555 0100",
      ownerResourceID: 29682885,
      isActive: true,
    });
    const repos = repositories(t.ctx.db);
    expect(await repos.mappings.findMapping(moduleOrganization.id)).toMatchObject({
      organization_id: body.organization.id,
    });
    const events = await repos.audit.stepEvents(body.stepId);
    expect(events.map((e) => e.action).sort()).toEqual(["mapping.created", "psa_company.created"]);

    const undo = await t.request(admin, {
      method: "POST",
      url: `/api/v1/audit-events/steps/${body.stepId}/undo`,
    });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(await repos.mappings.findMapping(moduleOrganization.id)).toBeUndefined();
    expect(await repos.organizations.findById(body.organization.id)).toMatchObject({ psa_id: "900000" });
    expect(store.created).toHaveLength(1);
  });

  it("the prefill offers the PSA's active resources as owners, read over every page, by name", async () => {
    const resources: AutotaskResource[] = [
      { id: 31, firstName: "Zoe", lastName: "Adams", email: "zoe@msp.example", isActive: true },
      { id: 32, firstName: "Gone", lastName: "Away", email: null, isActive: false },
      { id: "not-a-number", firstName: "Garbled", isActive: true },
      { id: 33, firstName: "Ann", lastName: "Baker", email: null, isActive: true },
      { id: 34, lastName: "Cole", isActive: true },
      { id: 35, isActive: true },
    ];
    const { server, moduleOrganization, admin } = await world({ resources, maxPageSize: 2 });
    const prefill = await t.request(admin, {
      method: "GET",
      url: `/api/v1/module-organizations/${moduleOrganization.id}/psa-organization`,
    });
    expect(prefill.statusCode, prefill.body).toBe(200);
    expect(prefill.json()).toMatchObject({ canCreate: true, ownersError: null });
    expect(prefill.json().owners).toEqual([
      { id: "33", name: "Ann Baker", email: null },
      { id: "34", name: "Cole", email: null },
      { id: "35", name: "Resource 35", email: null },
      { id: "31", name: "Zoe Adams", email: "zoe@msp.example" },
    ]);
    const reads = server.requests.filter((r) => r.path.startsWith("/V1.0/Resources"));
    expect(reads.map((r) => r.method)).toEqual(["POST", "GET", "GET"]);
    expect(JSON.parse(reads[0]!.body)).toMatchObject({
      filter: [{ op: "eq", field: "isActive", value: true }],
      IncludeFields: ["id", "firstName", "lastName", "email"],
    });
  });

  it.each<[string, Fault, number | undefined]>([
    ["a 500", { kind: "500" }, undefined],
    ["a garbled second page", { kind: "malformed" }, 2],
  ])(
    "when the resources cannot be read (%s) the prefill says so and a typed owner id still creates",
    async (_, fault, page) => {
      const { store, moduleOrganization, admin } = await world({
        resources: generatedResources(5),
        maxPageSize: 2,
        faults: [
          { fault, path: "/V1.0/Resources", times: Number.POSITIVE_INFINITY, ...(page ? { page } : {}) },
        ],
      });
      const prefill = await t.request(admin, {
        method: "GET",
        url: `/api/v1/module-organizations/${moduleOrganization.id}/psa-organization`,
      });
      expect(prefill.statusCode, prefill.body).toBe(200);
      expect(prefill.json()).toMatchObject({ canCreate: true, owners: null });
      expect(prefill.json().ownersError).toMatch(/^could not read the PSA's resources: Autotask/);
      const res = await create(admin, moduleOrganization.id, { ownerResourceId: "29682887" });
      expect(res.statusCode, res.body).toBe(201);
      expect(store.created.map((c) => c.ownerResourceID)).toEqual([29682887]);
    },
  );

  it("proposes the organization the parent module organization maps to as the parent, and sends it", async () => {
    const { server, module, admin } = await world();
    const parentTarget = await buildOrganization(t.ctx.db, { name: "Acme Holding", psaId: "1000" });
    const parent = await buildModuleOrganization(t.ctx.db, module.key, { name: "Acme", externalId: "p-1" });
    await t.services.mapping.map(cliActor, parent.id, parentTarget.id);
    const child = await buildModuleOrganization(t.ctx.db, module.key, {
      name: "Acme Denver Site",
      parentExternalId: "p-1",
    });
    const prefill = await t.request(admin, {
      method: "GET",
      url: `/api/v1/module-organizations/${child.id}/psa-organization`,
    });
    expect(prefill.json().parent).toEqual({
      organizationId: parentTarget.id,
      name: "Acme Holding",
      psaId: "1000",
    });
    const res = await create(admin, child.id, { type: "Prospect" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().organization).toMatchObject({ parentId: parentTarget.id, type: "Prospect" });
    expect(JSON.parse(creates(server)[0]!.body)).toMatchObject({ parentCompanyID: 1000, companyType: 3 });
  });

  it("answers 409 naming the company when the PSA has the name already, and sends no create", async () => {
    const { server, store, module, admin } = await world();
    const taken = await buildModuleOrganization(t.ctx.db, module.key, {
      name: organizationName(4).toUpperCase(),
    });
    const res = await create(admin, taken.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "organization_exists", psaId: "1004" });
    expect(res.json().detail).toContain(organizationName(4));
    expect(creates(server)).toHaveLength(0);
    expect(store.created).toHaveLength(0);
  });

  it("answers 409 naming the organization when one here has the name, and 422 for a type that cannot be a target", async () => {
    const { server, moduleOrganization, admin } = await world();
    await buildOrganization(t.ctx.db, { name: "brand new dental llc", psaId: "77" });
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "organization_exists", psaId: "77" });
    const dead = await create(admin, moduleOrganization.id, { name: "Another Name", type: "Dead" });
    expect(dead.statusCode).toBe(422);
    expect(dead.json()).toMatchObject({ code: "invalid_value", field: "type" });
    expect(creates(server)).toHaveLength(0);
  });

  it("refuses with 409 psa_cannot_create when the PSA connector is the file one", async () => {
    const module = await buildModule(t.ctx.db);
    const moduleOrganization = await buildModuleOrganization(t.ctx.db, module.key);
    await t.services.syncConfig.configurePsa(cliActor, {
      connector: { kind: "file", settings: { path: "companies.json" }, secrets: {} },
    });
    const admin = await t.loginAs("admin");
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "psa_cannot_create", connectorKind: "file" });
    const prefill = await t.request(admin, {
      method: "GET",
      url: `/api/v1/module-organizations/${moduleOrganization.id}/psa-organization`,
    });
    expect(prefill.json()).toMatchObject({
      canCreate: false,
      whyNot: "the file PSA connector cannot create organizations",
    });
  });

  it.each([
    ["a hang (created, the answer lost)", { kind: "hang" }],
    ["bad JSON (created, the answer garbled)", { kind: "malformed" }],
    ["a 500 (created, then an error)", { kind: "500" }],
    ["a cut connection (created, no answer)", { kind: "reset" }],
  ] as [string, Fault][])("settles %s by a look-up: one company, mapped", async (_name, fault) => {
    const { server, store, moduleOrganization, admin } = await world({
      faults: [{ path: "/V1.0/Companies", exact: true, fault }],
    });
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      confirmedBy: "lookup",
      isMapped: true,
      organization: { psaId: "900000" },
    });
    expect(creates(server)).toHaveLength(1);
    expect(store.created).toHaveLength(1);
  });

  it("a lost answer whose look-up fails too answers 503; the retry finds the company instead of creating a second", async () => {
    const { server, store, moduleOrganization, admin } = await world({
      faults: [
        { path: "/V1.0/Companies", exact: true, fault: { kind: "hang" } },
        // The look-up before the create passes; the one after it fails (both its attempts).
        { path: "/V1.0/Companies/query", fault: { kind: "500" }, skip: 1, times: 2 },
      ],
    });
    const first = await create(admin, moduleOrganization.id);
    expect(first.statusCode, first.body).toBe(503);
    expect(first.json()).toMatchObject({ code: "psa_answer_lost" });
    expect(store.created).toHaveLength(1);
    const repos = repositories(t.ctx.db);
    expect(await repos.psaCreateAttempts.findOpen(moduleOrganization.id)).toMatchObject({ state: "pending" });

    const retry = await create(admin, moduleOrganization.id);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toMatchObject({ confirmedBy: "lookup", organization: { psaId: "900000" } });
    expect(creates(server)).toHaveLength(1);
    expect(store.created).toHaveLength(1);
    expect(await repos.psaCreateAttempts.findOpen(moduleOrganization.id)).toBeUndefined();
  });

  it("a request killed after Autotask applied its create: the next one adopts that company once the lease is gone", async () => {
    const { server, store, moduleOrganization, admin } = await world();
    const repos = repositories(t.ctx.db);
    // The dead request stored its attempt and Autotask created the company; then the process died.
    const dead = await repos.psaCreateAttempts.open(
      {
        attemptKey: "dead-request",
        moduleOrganizationId: moduleOrganization.id,
        name: "Brand New Dental LLC",
        type: "Customer",
        parentPsaId: null,
        phone: "+1 555 0100",
        ownerResourceId: "29682885",
        actor: "user:gone",
      },
      "dead-process:1",
      60_000,
    );
    store.created.push({
      id: 900_123,
      companyName: "Brand New Dental LLC",
      companyType: 1,
      isActive: true,
      parentCompanyID: null,
      phone: "+1 555 0100",
      ownerResourceID: 29682885,
      createDate: new Date().toISOString(),
    });
    const whileLeased = await create(admin, moduleOrganization.id);
    expect(whileLeased.statusCode).toBe(409);
    await t.ctx.db
      .updateTable("psa_create_attempts")
      .set({ lease_expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", dead!.id)
      .execute();
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      confirmedBy: "lookup",
      attemptId: dead!.id,
      organization: { psaId: "900123" },
    });
    expect(creates(server)).toHaveLength(0);
    expect(store.created).toHaveLength(1);
  });

  it.each([
    ["a 500 before the write", { kind: "500" }],
    ["Autotask's duplicate refusal", { kind: "duplicate" }],
  ] as [string, CompanyCreateFault][])(
    "%s: nothing found, 503; the retry looks, then creates exactly one",
    async (_name, fault) => {
      const { server, store, moduleOrganization, admin } = await world({ createFaults: [{ fault }] });
      const first = await create(admin, moduleOrganization.id);
      expect(first.statusCode, first.body).toBe(503);
      expect(store.created).toHaveLength(0);
      const retry = await create(admin, moduleOrganization.id);
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.json()).toMatchObject({ confirmedBy: "answer" });
      expect(creates(server)).toHaveLength(2);
      expect(store.created).toHaveLength(1);
    },
  );

  it("a 429 is sent again after Retry-After and creates one company", async () => {
    const { server, store, moduleOrganization, admin } = await world({
      createFaults: [{ fault: { kind: "429", retryAfter: "0" } }],
    });
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode, res.body).toBe(201);
    expect(creates(server)).toHaveLength(2);
    expect(store.created).toHaveLength(1);
  });

  it("two requests at once for one module organization create one company", async () => {
    const { store, moduleOrganization, admin } = await world();
    const answers = await Promise.all([
      create(admin, moduleOrganization.id),
      create(admin, moduleOrganization.id),
    ]);
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes[0]).toBe(201);
    expect(codes[1]).toBe(409);
    expect(store.created).toHaveLength(1);
  });

  it("refuses a module organization that is mapped already, and an editor", async () => {
    const { moduleOrganization, admin, server } = await world();
    const editor = await t.loginAs("editor");
    expect((await create(editor, moduleOrganization.id)).statusCode).toBe(403);
    const target = await buildOrganization(t.ctx.db, { name: "Mapped Here" });
    await t.services.mapping.map(cliActor, moduleOrganization.id, target.id);
    const res = await create(admin, moduleOrganization.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain("Mapped Here");
    expect(creates(server)).toHaveLength(0);
  });
});
