import {
  ConnectorConfigError,
  type ConnectorDeps,
  type ModuleConnector,
  type PsaConnector,
} from "../../connectors/connector.ts";
import {
  connectorKindSpec,
  createModuleConnector,
  createPsaConnector,
  isModuleConnectorKind,
  isPsaConnectorKind,
  validateConnectorConfig,
} from "../../connectors/connector-registry.ts";
import { invalidValue } from "../../domain/errors.ts";
import { createFilePsaConnector, filePsaSecretsSchema, filePsaSettingsSchema } from "./file-psa.connector.ts";

export type SyncTarget = "module" | "psa";

export interface ValidatedConnector {
  kind: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** Turns a connector configuration error into a 422 naming the request field ("connector.settings.baseUrl"). */
function configError(error: unknown): never {
  if (error instanceof ConnectorConfigError) {
    throw invalidValue(`connector.${error.field}`, error.message);
  }
  throw error;
}

function validateFilePsa(settings: unknown, secrets: unknown): ValidatedConnector {
  const parsedSettings = filePsaSettingsSchema.safeParse(settings ?? {});
  if (!parsedSettings.success) {
    const issue = parsedSettings.error.issues[0];
    const path = ["settings", ...(issue?.path.map(String) ?? [])].join(".");
    throw invalidValue(`connector.${path}`, `file connector: ${path}: ${issue?.message ?? "invalid"}`);
  }
  if (!filePsaSecretsSchema.safeParse(secrets ?? {}).success) {
    throw invalidValue("connector.secrets", "file connector: secrets: a file needs no credentials");
  }
  return { kind: "file", settings: parsedSettings.data, secrets: {} };
}

/**
 * Validates a connector for a module or the PSA with the connectors' zod schemas; 422 naming the
 * field otherwise. The PSA takes `autotask`, or `file` (a JSON list of companies, used by the demo).
 */
export function validateConnector(
  target: SyncTarget,
  kind: string,
  settings: unknown,
  secrets: unknown,
): ValidatedConnector {
  if (target === "psa" && kind === "file") return validateFilePsa(settings, secrets);
  const spec = connectorKindSpec(kind);
  if (spec && spec.role !== target) {
    throw invalidValue(
      "connector.kind",
      `${spec.label} is a ${spec.role === "psa" ? "PSA" : "module"} connector and cannot serve ${target === "psa" ? "the PSA" : "a module"}`,
    );
  }
  try {
    return validateConnectorConfig(kind, settings, secrets);
  } catch (error) {
    return configError(error);
  }
}

export function buildModuleConnector(
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps,
): ModuleConnector {
  if (!isModuleConnectorKind(kind))
    throw invalidValue("connector.kind", `"${kind}" is not a module connector`);
  try {
    return createModuleConnector(kind, settings, secrets, deps);
  } catch (error) {
    return configError(error);
  }
}

export function buildPsaConnector(
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps,
): PsaConnector {
  if (kind === "file") return createFilePsaConnector(filePsaSettingsSchema.parse(settings));
  if (!isPsaConnectorKind(kind)) throw invalidValue("connector.kind", `"${kind}" is not a PSA connector`);
  try {
    return createPsaConnector(kind, settings, secrets, deps);
  } catch (error) {
    return configError(error);
  }
}
