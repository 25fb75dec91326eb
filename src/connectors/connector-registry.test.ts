import { describe, expect, it } from "vitest";
import { AUTOTASK_TEST_CREDENTIALS } from "../../test/vendors/autotask.server.ts";
import { startItGlueServer } from "../../test/vendors/itglue.server.ts";
import { ConnectorConfigError } from "./connector.ts";
import {
  CONNECTOR_DEFINITIONS,
  connectorDefinitions,
  createBillingReads,
  createConnector,
  describeConnectorKinds,
  validateConnectorConfig,
} from "./connector-registry.ts";
import { collectAll } from "./connector-test-support.ts";
import { fakeTime } from "./http/http-test-support.ts";

function configError(run: () => unknown): ConnectorConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorConfigError);
    return error as ConnectorConfigError;
  }
  throw new Error("expected a ConnectorConfigError");
}

describe("connector registry", () => {
  it("lists every kind with its role, one definition per kind and role", () => {
    expect(CONNECTOR_DEFINITIONS.map((d) => [d.kind, d.role])).toEqual([
      ["autotask", "psa"],
      ["file", "psa"],
      ["itglue", "module"],
      ["datto-rmm", "module"],
      ["datto-saas", "module"],
      ["file", "module"],
    ]);
    expect(connectorDefinitions("module").map((d) => d.kind)).toEqual([
      "itglue",
      "datto-rmm",
      "datto-saas",
      "file",
    ]);
    const keys = CONNECTOR_DEFINITIONS.map((d) => `${d.role}:${d.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("publishes every schema as JSON Schema a form can render: a title per field, secrets write-only", () => {
    const kinds = describeConnectorKinds();
    expect(kinds).toHaveLength(CONNECTOR_DEFINITIONS.length);
    for (const kind of kinds) {
      for (const part of ["settings", "secrets"] as const) {
        const schema = kind[part] as { type: string; properties: Record<string, Record<string, unknown>> };
        expect(schema.type, `${kind.kind} ${part}`).toBe("object");
        for (const [name, property] of Object.entries(schema.properties)) {
          expect(property.title, `${kind.kind} ${part}.${name} has a label`).toEqual(expect.any(String));
          if (part === "secrets") expect(property).toMatchObject({ writeOnly: true, format: "password" });
          else expect(property.writeOnly).toBeUndefined();
        }
      }
    }
    const itglue = kinds.find((k) => k.kind === "itglue");
    expect(itglue?.secrets).toMatchObject({
      properties: { apiKey: { title: "API key", type: "string" } },
      required: ["apiKey"],
    });
    // Input side: a setting with a default is optional for a client.
    expect(itglue?.settings.required).toBeUndefined();
    const file = kinds.find((k) => k.kind === "file" && k.role === "module");
    expect(file?.settings).toMatchObject({
      properties: { path: { title: "File path" }, format: { title: "Format", enum: ["csv", "json"] } },
      required: ["path"],
    });
  });

  it("fills in defaults when validating", () => {
    const config = validateConnectorConfig("module", "itglue", {}, { apiKey: "k" });
    expect(config.settings).toEqual({
      baseUrl: "https://api.itglue.com",
      requestTimeoutMs: 30_000,
      totalTimeoutMs: 1_800_000,
      maxAttempts: 6,
      pageSize: 1_000,
    });
  });

  it("names the offending field", () => {
    expect(
      configError(() => validateConnectorConfig("module", "datto-rmm", { baseUrl: "ftp://x" }, {})).field,
    ).toBe("settings.baseUrl");
    expect(configError(() => validateConnectorConfig("module", "datto-rmm", {}, { apiKey: "k" })).field).toBe(
      "settings.baseUrl",
    );
    const secrets = configError(() =>
      validateConnectorConfig("module", "datto-rmm", { baseUrl: "https://x.test" }, { apiKey: "k" }),
    );
    expect(secrets.field).toBe("secrets.apiSecret");
    expect(secrets.message).toContain("datto-rmm connector: secrets.apiSecret");
    expect(
      configError(() => validateConnectorConfig("module", "itglue", { pageSize: 5_000 }, { apiKey: "k" }))
        .field,
    ).toBe("settings.pageSize");
    expect(
      configError(() => validateConnectorConfig("module", "itglue", { basUrl: "https://x" }, { apiKey: "k" }))
        .message,
    ).toContain("basUrl");
    expect(configError(() => validateConnectorConfig("module", "nope", {}, {})).field).toBe("kind");
  });

  it("never repeats a secret's value in its error", () => {
    const error = configError(() =>
      createConnector(
        "psa",
        "autotask",
        { baseUrl: "https://webservices5.autotask.net/ATServicesRest" },
        { apiIntegrationCode: "CODE-123456", userName: "u@x.test", secret: 12345678 },
      ),
    );
    expect(error.field).toBe("secrets.secret");
    expect(error.message).not.toContain("12345678");
    expect(error.message).not.toContain("CODE-123456");
  });

  it("refuses a module kind for the PSA and the PSA kind for a module", () => {
    const psaForModule = configError(() => createConnector("module", "autotask", {}, {}));
    expect(psaForModule.field).toBe("kind");
    expect(psaForModule.message).toBe("Autotask is a PSA connector and cannot serve a module");
    expect(configError(() => createConnector("psa", "itglue", {}, {})).message).toBe(
      "IT Glue is a module connector and cannot serve the PSA",
    );
  });

  it("serves the file kind to both roles, each with its own settings", () => {
    expect(validateConnectorConfig("psa", "file", { path: "/x.json" }, {}).settings).toEqual({
      path: "/x.json",
    });
    expect(validateConnectorConfig("module", "file", { path: "/x.csv" }, {}).settings).toEqual({
      path: "/x.csv",
      delimiter: ",",
    });
    expect(
      configError(() => validateConnectorConfig("psa", "file", { path: "/x", format: "csv" }, {})).field,
    ).toBe("settings");
    expect(
      configError(() => validateConnectorConfig("psa", "file", { path: "/x" }, { key: "k" })).message,
    ).toContain("a file needs no credentials");
  });

  it("declares usage for Datto RMM, SaaS Protection and files, contracts for Autotask and files (issue 9)", async () => {
    const reads = (role: "module" | "psa", kind: string, settings: Record<string, unknown>, secrets = {}) =>
      createBillingReads(role, kind, settings, secrets, { importDir: "/nonexistent" });
    const rmm = reads(
      "module",
      "datto-rmm",
      { baseUrl: "https://rmm.test" },
      { apiKey: "k", apiSecret: "s" },
    );
    expect(rmm.usage?.billingTypes).toContain("devices.server");
    expect(rmm.contracts).toBeNull();
    expect(reads("module", "itglue", {}, { apiKey: "k" }).usage).toBeNull();
    expect(reads("module", "datto-saas", {}, { publicKey: "p", secretKey: "s" }).usage?.billingTypes).toEqual(
      [],
    );
    // A file module without a usage file reads none; with one, it reads it.
    expect(reads("module", "file", { path: "a.csv" }).usage?.read()).toBeNull();
    await expect(
      reads("module", "file", { path: "a.csv", usagePath: "u.csv" }).usage?.read(),
    ).resolves.toMatchObject({
      kind: "failed",
      failure: { code: "invalid" },
    });
    expect(
      reads("psa", "file", { path: "c.json" }).contracts?.read({ from: "2026-01-01", to: "2026-03-01" }),
    ).toBeNull();
    expect(
      reads("psa", "autotask", { baseUrl: "https://at.test" }, AUTOTASK_TEST_CREDENTIALS).contracts,
    ).not.toBeNull();
    const described = describeConnectorKinds();
    const settingsOf = (role: string, kind: string) =>
      described.find((d) => d.role === role && d.kind === kind)?.settings.properties as Record<
        string,
        { title?: string }
      >;
    expect(settingsOf("module", "datto-rmm").notBillableFilterName?.title).toBe("Not billable device filter");
    expect(settingsOf("module", "file").usagePath?.title).toBe("Usage file path");
    expect(settingsOf("psa", "file").contractsPath?.title).toBe("Contracts file path");
  });

  it("builds a working connector (base URL with a trailing slash)", async () => {
    const server = await startItGlueServer({ count: 3 });
    try {
      const connector = createConnector(
        "module",
        "itglue",
        { baseUrl: server.url },
        { apiKey: "itg-test-key" },
        fakeTime(),
      );
      expect(connector.kind).toBe("itglue");
      expect((await collectAll(connector)).records).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
