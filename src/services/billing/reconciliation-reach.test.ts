import { describe, expect, it } from "vitest";
import { reachOf, readPlan } from "./reconciliation-reach.ts";

const serviceMappings = [
  { moduleKey: "rmm", billingType: "devices", psaServiceId: "s-dev" },
  { moduleKey: "saas", billingType: "seats", psaServiceId: "s-dev" },
  { moduleKey: "rmm", billingType: "servers", psaServiceId: "s-srv" },
];
const moduleKeys = new Map([
  ["site-1", "rmm"],
  ["site-2", "rmm"],
  ["tenant-1", "saas"],
]);

describe("the rows a change reaches", () => {
  it("a changed reading reaches its service's row of each organization its site was mapped to, and the site's own rows", () => {
    const reach = reachOf({
      moduleOrganizationIds: [],
      pairs: [{ moduleOrganizationId: "site-1", billingType: "servers" }],
      organizationIds: [],
      moduleKeys,
      // Moved from Acme to Beta in the period.
      mappedTo: new Map([["site-1", ["acme", "beta"]]]),
      serviceMappings,
    });
    expect(reach).toEqual({
      organizationIds: [],
      organizationServices: [
        { organizationId: "acme", psaServiceId: "s-srv" },
        { organizationId: "beta", psaServiceId: "s-srv" },
      ],
      moduleOrganizationIds: ["site-1"],
      typeParts: [],
    });
    // What to read: Acme's other rmm site's servers (the service's only kind from rmm), not its devices.
    const plan = readPlan(
      reach,
      [
        { moduleOrganizationId: "site-1", organizationId: "acme", moduleKey: "rmm" },
        { moduleOrganizationId: "site-2", organizationId: "acme", moduleKey: "rmm" },
        { moduleOrganizationId: "tenant-1", organizationId: "acme", moduleKey: "saas" },
      ],
      serviceMappings,
    );
    expect(plan).toEqual({
      moduleOrganizationIds: ["site-1"],
      pairs: [{ billingType: "servers", moduleOrganizationIds: ["site-2"] }],
      kinds: [],
    });
  });

  it("a service fed by two modules reads both modules' pairs of its organization", () => {
    const reach = reachOf({
      moduleOrganizationIds: [],
      pairs: [{ moduleOrganizationId: "site-1", billingType: "devices" }],
      organizationIds: [],
      moduleKeys,
      mappedTo: new Map([["site-1", ["acme"]]]),
      serviceMappings,
    });
    const plan = readPlan(
      reach,
      [
        { moduleOrganizationId: "site-1", organizationId: "acme", moduleKey: "rmm" },
        { moduleOrganizationId: "tenant-1", organizationId: "acme", moduleKey: "saas" },
      ],
      serviceMappings,
    );
    expect(plan.pairs).toEqual([
      { billingType: "devices", moduleOrganizationIds: [] },
      { billingType: "seats", moduleOrganizationIds: ["tenant-1"] },
    ]);
  });

  it("a changed mapping reaches every row of the organizations involved; a reading of a kind with no service its parts", () => {
    const reach = reachOf({
      moduleOrganizationIds: ["site-2"],
      pairs: [{ moduleOrganizationId: "tenant-1", billingType: "licenses" }],
      organizationIds: ["gamma"],
      moduleKeys,
      mappedTo: new Map([
        ["site-2", ["acme"]],
        ["tenant-1", ["acme", "beta"]],
      ]),
      serviceMappings,
    });
    expect(reach.organizationIds.sort()).toEqual(["acme", "gamma"]);
    expect(reach.organizationServices).toEqual([]);
    expect(reach.moduleOrganizationIds.sort()).toEqual(["site-2", "tenant-1"]);
    // Acme's parts are all reached already; Beta's part of saas licenses.
    expect(reach.typeParts).toEqual([{ organizationId: "beta", kind: "saas\u001flicenses" }]);
    const plan = readPlan(
      reach,
      [
        { moduleOrganizationId: "site-1", organizationId: "acme", moduleKey: "rmm" },
        { moduleOrganizationId: "tenant-2", organizationId: "beta", moduleKey: "saas" },
        { moduleOrganizationId: "site-3", organizationId: "beta", moduleKey: "rmm" },
      ],
      serviceMappings,
    );
    expect(plan.moduleOrganizationIds.sort()).toEqual(["site-1", "site-2", "tenant-1"]);
    expect(plan.pairs).toEqual([{ billingType: "licenses", moduleOrganizationIds: ["tenant-2"] }]);
    expect(plan.kinds).toEqual([]);
  });
});
