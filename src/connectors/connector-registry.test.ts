import { describe, expect, it } from "vitest";
import { z } from "zod";
import { startItGlueServer } from "../../test/vendors/itglue.server.ts";
import { ConnectorConfigError } from "./connector.ts";
import {
  CONNECTOR_KINDS,
  createModuleConnector,
  createPsaConnector,
  MODULE_CONNECTOR_KINDS,
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
  it("lists every kind with its role and schemas", () => {
    expect(CONNECTOR_KINDS.map((spec) => [spec.kind, spec.role])).toEqual([
      ["autotask", "psa"],
      ["itglue", "module"],
      ["datto-rmm", "module"],
      ["datto-saas", "module"],
      ["file", "module"],
    ]);
    expect(MODULE_CONNECTOR_KINDS).toEqual(["itglue", "datto-rmm", "datto-saas", "file"]);
  });

  it("publishes every schema as JSON Schema (the API documents them in OpenAPI)", () => {
    for (const spec of CONNECTOR_KINDS) {
      expect(() => z.toJSONSchema(spec.settings)).not.toThrow();
      expect(() => z.toJSONSchema(spec.secrets)).not.toThrow();
    }
  });

  it("fills in defaults when validating", () => {
    const config = validateConnectorConfig("itglue", {}, { apiKey: "k" });
    expect(config.settings).toEqual({
      baseUrl: "https://api.itglue.com",
      requestTimeoutMs: 30_000,
      totalTimeoutMs: 1_800_000,
      maxAttempts: 6,
      pageSize: 1_000,
    });
  });

  it("names the offending field", () => {
    expect(configError(() => validateConnectorConfig("datto-rmm", { baseUrl: "ftp://x" }, {})).field).toBe(
      "settings.baseUrl",
    );
    expect(configError(() => validateConnectorConfig("datto-rmm", {}, { apiKey: "k" })).field).toBe(
      "settings.baseUrl",
    );
    const secrets = configError(() =>
      validateConnectorConfig("datto-rmm", { baseUrl: "https://x.test" }, { apiKey: "k" }),
    );
    expect(secrets.field).toBe("secrets.apiSecret");
    expect(secrets.message).toContain("datto-rmm connector: secrets.apiSecret");
    expect(
      configError(() => validateConnectorConfig("itglue", { pageSize: 5_000 }, { apiKey: "k" })).field,
    ).toBe("settings.pageSize");
    expect(
      configError(() => validateConnectorConfig("itglue", { basUrl: "https://x" }, { apiKey: "k" })).message,
    ).toContain("basUrl");
    expect(configError(() => validateConnectorConfig("nope", {}, {})).field).toBe("kind");
  });

  it("never repeats a secret's value in its error", () => {
    const error = configError(() =>
      createPsaConnector(
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
    expect(configError(() => createModuleConnector("autotask" as never, {}, {})).field).toBe("kind");
    expect(configError(() => createPsaConnector("itglue" as never, {}, {})).field).toBe("kind");
  });

  it("builds a working connector (base URL with a trailing slash)", async () => {
    const server = await startItGlueServer({ count: 3 });
    try {
      const connector = createModuleConnector(
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
