import type { z } from "zod";
import { createAutotaskConnector } from "./autotask/autotask.connector.ts";
import { autotaskSecretsSchema, autotaskSettingsSchema } from "./autotask/autotask.settings.ts";
import {
  ConnectorConfigError,
  type ConnectorDeps,
  type ModuleConnector,
  type PsaConnector,
} from "./connector.ts";
import { createDattoRmmConnector } from "./datto-rmm/datto-rmm.connector.ts";
import { dattoRmmSecretsSchema, dattoRmmSettingsSchema } from "./datto-rmm/datto-rmm.settings.ts";
import { createDattoSaasConnector } from "./datto-saas/datto-saas.connector.ts";
import { dattoSaasSecretsSchema, dattoSaasSettingsSchema } from "./datto-saas/datto-saas.settings.ts";
import { createFileConnector } from "./file/file.connector.ts";
import { fileSecretsSchema, fileSettingsSchema } from "./file/file.settings.ts";
import { createItGlueConnector } from "./itglue/itglue.connector.ts";
import { itGlueSecretsSchema, itGlueSettingsSchema } from "./itglue/itglue.settings.ts";

export const MODULE_CONNECTOR_KINDS = ["itglue", "datto-rmm", "datto-saas", "file"] as const;
export type ModuleConnectorKind = (typeof MODULE_CONNECTOR_KINDS)[number];
export const PSA_CONNECTOR_KINDS = ["autotask"] as const;
export type PsaConnectorKind = (typeof PSA_CONNECTOR_KINDS)[number];
export type ConnectorKind = ModuleConnectorKind | PsaConnectorKind;

export interface ConnectorKindSpec {
  kind: ConnectorKind;
  /** "module" connectors read module organizations; the "psa" connector reads PSA organizations. */
  role: "module" | "psa";
  label: string;
  /** Non-secret settings (may be returned by the API). */
  settings: z.ZodType;
  /** Credentials (stored encrypted, never returned). */
  secrets: z.ZodType;
}

/** Every connector kind with its settings and secrets schemas, e.g. to validate PATCH /modules/{key}. */
export const CONNECTOR_KINDS: readonly ConnectorKindSpec[] = [
  {
    kind: "autotask",
    role: "psa",
    label: "Autotask",
    settings: autotaskSettingsSchema,
    secrets: autotaskSecretsSchema,
  },
  {
    kind: "itglue",
    role: "module",
    label: "IT Glue",
    settings: itGlueSettingsSchema,
    secrets: itGlueSecretsSchema,
  },
  {
    kind: "datto-rmm",
    role: "module",
    label: "Datto RMM",
    settings: dattoRmmSettingsSchema,
    secrets: dattoRmmSecretsSchema,
  },
  {
    kind: "datto-saas",
    role: "module",
    label: "Datto SaaS Protection",
    settings: dattoSaasSettingsSchema,
    secrets: dattoSaasSecretsSchema,
  },
  {
    kind: "file",
    role: "module",
    label: "File (CSV or JSON)",
    settings: fileSettingsSchema,
    secrets: fileSecretsSchema,
  },
];

/** The spec of a kind, or undefined when the kind is unknown. */
export function connectorKindSpec(kind: string): ConnectorKindSpec | undefined {
  return CONNECTOR_KINDS.find((spec) => spec.kind === kind);
}

export function isModuleConnectorKind(kind: string): kind is ModuleConnectorKind {
  return (MODULE_CONNECTOR_KINDS as readonly string[]).includes(kind);
}

export function isPsaConnectorKind(kind: string): kind is PsaConnectorKind {
  return (PSA_CONNECTOR_KINDS as readonly string[]).includes(kind);
}

function parsePart<T>(schema: z.ZodType<T>, value: unknown, kind: string, part: "settings" | "secrets"): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const field = path === "" ? part : `${part}.${path}`;
  // zod's messages name the expectation, never the value, so secrets cannot leak through them.
  throw new ConnectorConfigError(`${kind} connector: ${field}: ${issue?.message ?? "invalid"}`, field);
}

/**
 * Validates a connector configuration without building it; returns the settings with defaults
 * filled in. Throws ConnectorConfigError naming the field (e.g. "settings.baseUrl").
 *
 * @example validateConnectorConfig("itglue", { pageSize: 500 }, { apiKey: "ITG.xxx" })
 */
export function validateConnectorConfig(
  kind: string,
  settings: unknown,
  secrets: unknown,
): { kind: ConnectorKind; settings: Record<string, unknown>; secrets: Record<string, unknown> } {
  const spec = connectorKindSpec(kind);
  if (!spec) {
    const known = CONNECTOR_KINDS.map((s) => s.kind).join(", ");
    throw new ConnectorConfigError(`unknown connector kind "${kind}" (known: ${known})`, "kind");
  }
  return {
    kind: spec.kind,
    settings: parsePart(spec.settings, settings, kind, "settings") as Record<string, unknown>,
    secrets: parsePart(spec.secrets, secrets, kind, "secrets") as Record<string, unknown>,
  };
}

/**
 * Builds a module connector from stored (unvalidated) settings and secrets.
 *
 * @example
 * const connector = createModuleConnector("itglue", { baseUrl: "https://api.eu.itglue.com" }, { apiKey });
 * for await (const page of connector.fetchAll({ signal })) await upsert(page);
 */
export function createModuleConnector(
  kind: ModuleConnectorKind,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps = {},
): ModuleConnector {
  if (!isModuleConnectorKind(kind)) {
    throw new ConnectorConfigError(`"${String(kind)}" is not a module connector kind`, "kind");
  }
  switch (kind) {
    case "itglue":
      return createItGlueConnector(
        parsePart(itGlueSettingsSchema, settings, kind, "settings"),
        parsePart(itGlueSecretsSchema, secrets, kind, "secrets"),
        deps,
      );
    case "datto-rmm":
      return createDattoRmmConnector(
        parsePart(dattoRmmSettingsSchema, settings, kind, "settings"),
        parsePart(dattoRmmSecretsSchema, secrets, kind, "secrets"),
        deps,
      );
    case "datto-saas":
      return createDattoSaasConnector(
        parsePart(dattoSaasSettingsSchema, settings, kind, "settings"),
        parsePart(dattoSaasSecretsSchema, secrets, kind, "secrets"),
        deps,
      );
    case "file":
      parsePart(fileSecretsSchema, secrets, kind, "secrets");
      return createFileConnector(parsePart(fileSettingsSchema, settings, kind, "settings"));
  }
}

/** Builds the PSA connector (Autotask) from stored settings and secrets. */
export function createPsaConnector(
  kind: PsaConnectorKind,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps = {},
): PsaConnector {
  if (!isPsaConnectorKind(kind)) {
    throw new ConnectorConfigError(`"${String(kind)}" is not a PSA connector kind`, "kind");
  }
  return createAutotaskConnector(
    parsePart(autotaskSettingsSchema, settings, kind, "settings"),
    parsePart(autotaskSecretsSchema, secrets, kind, "secrets"),
    deps,
  );
}
