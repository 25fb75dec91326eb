import type { z } from "zod";
import type { ConnectorDeps, ModuleConnector, PsaConnector } from "./connector.ts";

/** "module" connectors read a module's organizations; "psa" connectors read the PSA's organizations. */
export type ConnectorRole = "psa" | "module";

export type ConnectorFor<R extends ConnectorRole> = R extends "psa" ? PsaConnector : ModuleConnector;

/**
 * Everything orgmap knows about one connector kind, declared in the kind's own folder: the
 * registry lists these, the API publishes their schemas (a form is rendered from them), and the
 * sync engine builds connectors through `create`. Adding a kind = its folder + one registry line.
 */
export interface ConnectorDefinition<
  R extends ConnectorRole = ConnectorRole,
  Settings = never,
  Secrets = never,
> {
  /** Stored in `connector_kind`; unique per role. */
  readonly kind: string;
  readonly role: R;
  /** What people read ("IT Glue"). */
  readonly label: string;
  /** Non-secret settings (returned by the API). Each field carries a `title` meta: the form's label. */
  readonly settingsSchema: z.ZodType<Settings>;
  /** Credentials (sealed at rest, never returned). Each field carries a `title` meta. */
  readonly secretsSchema: z.ZodType<Secrets>;
  /** Builds the connector from settings and secrets already parsed by the schemas above. */
  create(settings: Settings, secrets: Secrets, deps: ConnectorDeps): ConnectorFor<R>;
}

/** A definition with its types erased, as the registry holds them. */
// biome-ignore lint/suspicious/noExplicitAny: the registry only calls create with what the schemas parsed.
export type AnyConnectorDefinition = ConnectorDefinition<ConnectorRole, any, any>;

/**
 * Declares a kind with its types inferred from its schemas, so `create` gets typed settings.
 *
 * @example
 * export const itGlueDefinition = defineConnector({
 *   kind: "itglue", role: "module", label: "IT Glue",
 *   settingsSchema: itGlueSettingsSchema, secretsSchema: itGlueSecretsSchema,
 *   create: createItGlueConnector,
 * });
 */
export function defineConnector<
  R extends ConnectorRole,
  S extends z.ZodType,
  K extends z.ZodType,
>(definition: {
  kind: string;
  role: R;
  label: string;
  settingsSchema: S;
  secretsSchema: K;
  create(settings: z.output<S>, secrets: z.output<K>, deps: ConnectorDeps): ConnectorFor<R>;
}): ConnectorDefinition<R, z.output<S>, z.output<K>> {
  return definition as ConnectorDefinition<R, z.output<S>, z.output<K>>;
}
