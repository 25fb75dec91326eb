import { z } from "zod";
import { autotaskDefinition } from "./autotask/autotask.definition.ts";
import {
  ConnectorConfigError,
  type ConnectorContractsRead,
  type ConnectorDeps,
  type ConnectorUsageRead,
  type ContractsWindow,
  type PsaOrganizationWriter,
} from "./connector.ts";
import type {
  AnyConnectorDefinition,
  ConnectorDefinition,
  ConnectorFor,
  ConnectorRole,
} from "./connector-definition.ts";
import { dattoRmmDefinition } from "./datto-rmm/datto-rmm.definition.ts";
import { dattoSaasDefinition } from "./datto-saas/datto-saas.definition.ts";
import { fileDefinition, filePsaDefinition } from "./file/file.definition.ts";
import { itGlueDefinition } from "./itglue/itglue.definition.ts";

/** Every connector kind, in the order forms offer them. A new kind is one line here. */
export const CONNECTOR_DEFINITIONS: readonly AnyConnectorDefinition[] = [
  autotaskDefinition,
  filePsaDefinition,
  itGlueDefinition,
  dattoRmmDefinition,
  dattoSaasDefinition,
  fileDefinition,
];

/** The definitions that serve a role ("module" or "psa"). */
export function connectorDefinitions(role: ConnectorRole): AnyConnectorDefinition[] {
  return CONNECTOR_DEFINITIONS.filter((definition) => definition.role === role);
}

/**
 * The definition of a kind for a role. Throws ConnectorConfigError (field "kind") for an unknown
 * kind, and for a kind of the other role ("Autotask is a PSA connector and cannot serve a module").
 */
export function connectorDefinition(role: ConnectorRole, kind: string): AnyConnectorDefinition {
  const found = CONNECTOR_DEFINITIONS.find((d) => d.role === role && d.kind === kind);
  if (found) return found;
  const other = CONNECTOR_DEFINITIONS.find((d) => d.kind === kind);
  if (other) {
    const serves = role === "psa" ? "the PSA" : "a module";
    throw new ConnectorConfigError(
      `${other.label} is a ${other.role === "psa" ? "PSA" : "module"} connector and cannot serve ${serves}`,
      "kind",
    );
  }
  const known = connectorDefinitions(role)
    .map((d) => d.kind)
    .join(", ");
  throw new ConnectorConfigError(`unknown connector kind "${kind}" (known: ${known})`, "kind");
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

export interface ValidConnectorConfig {
  kind: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/**
 * Validates a connector configuration without building it; returns the settings with defaults
 * filled in. Throws ConnectorConfigError naming the field (e.g. "settings.baseUrl").
 *
 * @example validateConnectorConfig("module", "itglue", { pageSize: 500 }, { apiKey: "ITG.xxx" })
 */
export function validateConnectorConfig(
  role: ConnectorRole,
  kind: string,
  settings: unknown,
  secrets: unknown,
): ValidConnectorConfig {
  const definition = connectorDefinition(role, kind);
  return {
    kind,
    settings: parsePart(definition.settingsSchema, settings, kind, "settings") as Record<string, unknown>,
    secrets: parsePart(definition.secretsSchema, secrets, kind, "secrets") as Record<string, unknown>,
  };
}

/**
 * Builds a connector from stored (unvalidated) settings and secrets.
 *
 * @example
 * const connector = createConnector("module", "itglue", { baseUrl: "https://api.eu.itglue.com" }, { apiKey });
 * for await (const page of connector.fetchAll({ signal })) await upsert(page);
 */
export function createConnector<R extends ConnectorRole>(
  role: R,
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps = {},
): ConnectorFor<R> {
  const definition = connectorDefinition(role, kind) as ConnectorDefinition<R, unknown, unknown>;
  return definition.create(
    parsePart(definition.settingsSchema, settings, kind, "settings"),
    parsePart(definition.secretsSchema, secrets, kind, "secrets"),
    deps,
  );
}

/** The billing reads of one configuration, bound to its parsed settings and secrets. */
export interface BillingReads {
  /** A module kind's usage; null when the kind reports none (IT Glue). */
  usage: {
    billingTypes: readonly string[];
    /** The billing types required when these are service-mapped (UsageCapability.billingTypesFor). */
    billingTypesFor?(mappedBillingTypes: ReadonlySet<string>): readonly string[];
    /** null when the settings ask for no usage read (a file module without a usage file). */
    read(signal?: AbortSignal, mappedBillingTypes?: ReadonlySet<string>): Promise<ConnectorUsageRead> | null;
  } | null;
  /** A PSA kind's contracts; null when the kind reads none. */
  contracts: {
    /** null when the settings ask for no contracts read (a file PSA without a contracts file). */
    read(window: ContractsWindow, signal?: AbortSignal): Promise<ConnectorContractsRead> | null;
  } | null;
}

/**
 * The usage (module) or contracts (PSA) reads of a stored configuration, validated like
 * `createConnector` (ConnectorConfigError naming the field otherwise).
 */
export function createBillingReads(
  role: ConnectorRole,
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps = {},
): BillingReads {
  const definition = connectorDefinition(role, kind) as ConnectorDefinition<ConnectorRole, unknown, unknown>;
  const parsedSettings = parsePart(definition.settingsSchema, settings, kind, "settings");
  const parsedSecrets = parsePart(definition.secretsSchema, secrets, kind, "secrets");
  const { usage, contracts } = definition;
  return {
    usage: usage
      ? {
          billingTypes: usage.billingTypes,
          billingTypesFor: usage.billingTypesFor?.bind(usage),
          read: (signal, mapped) => usage.read(parsedSettings, parsedSecrets, deps, signal, mapped),
        }
      : null,
    contracts: contracts
      ? { read: (window, signal) => contracts.read(parsedSettings, parsedSecrets, window, deps, signal) }
      : null,
  };
}

/**
 * The organization writer of a PSA configuration (issue 14 item 5), validated like
 * `createConnector`; null when the kind cannot create organizations (the file PSA).
 */
export function createOrganizationWriter(
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps = {},
  signal?: AbortSignal,
): PsaOrganizationWriter | null {
  const definition = connectorDefinition("psa", kind) as ConnectorDefinition<"psa", unknown, unknown>;
  if (!definition.organizations) return null;
  return definition.organizations.open(
    parsePart(definition.settingsSchema, settings, kind, "settings"),
    parsePart(definition.secretsSchema, secrets, kind, "secrets"),
    deps,
    signal,
  );
}

/** What a client needs to render a kind's form: label, role and the JSON Schemas of its two parts. */
export interface ConnectorKindDescription {
  kind: string;
  role: ConnectorRole;
  label: string;
  /** JSON Schema (draft 2020-12) of what a client may send: fields with a default are optional. */
  settings: Record<string, unknown>;
  /** Every property is `writeOnly` with `format: "password"`. */
  secrets: Record<string, unknown>;
}

let kindDescriptions: ConnectorKindDescription[] | undefined;

/**
 * Every kind as JSON Schemas (zod's toJSONSchema, input side), e.g. for GET /connector-kinds. The
 * definitions never change while the process runs, so the schemas are generated once, on first use.
 */
export function describeConnectorKinds(): ConnectorKindDescription[] {
  kindDescriptions ??= CONNECTOR_DEFINITIONS.map((definition) => ({
    kind: definition.kind,
    role: definition.role,
    label: definition.label,
    settings: z.toJSONSchema(definition.settingsSchema, { io: "input" }) as Record<string, unknown>,
    secrets: z.toJSONSchema(definition.secretsSchema, { io: "input" }) as Record<string, unknown>,
  }));
  return kindDescriptions;
}
