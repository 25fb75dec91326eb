import type { z } from "zod";
import type {
  ConnectorContractsRead,
  ConnectorDeps,
  ConnectorUsageRead,
  ContractsWindow,
  ModuleConnector,
  PsaConnector,
  PsaOrganizationWriter,
} from "./connector.ts";

/** "module" connectors read a module's organizations; "psa" connectors read the PSA's organizations. */
export type ConnectorRole = "psa" | "module";

export type ConnectorFor<R extends ConnectorRole> = R extends "psa" ? PsaConnector : ModuleConnector;

/** A module kind that reports usage (Datto RMM devices, SaaS Protection seats, a usage file). */
export interface UsageCapability<Settings, Secrets> {
  /**
   * Billing types every active module organization must report on each read (a Datto RMM site:
   * its device counts); any other pair is expected once the ledger has it.
   */
  readonly billingTypes: readonly string[];
  /**
   * The billing types every active module organization must report when the module's
   * service-mapped billing types are these (a kind that reads less when less is billed: Datto RMM
   * reads its per-category counts only when a category is mapped). `billingTypes` when absent.
   */
  billingTypesFor?(mappedBillingTypes: ReadonlySet<string>): readonly string[];
  /**
   * Reads the usage; null when these settings ask for none (a file module without a usage file).
   * `mappedBillingTypes`: the module's service-mapped billing types (undefined: read everything).
   */
  read(
    settings: Settings,
    secrets: Secrets,
    deps: ConnectorDeps,
    signal?: AbortSignal,
    mappedBillingTypes?: ReadonlySet<string>,
  ): Promise<ConnectorUsageRead> | null;
}

/** A PSA kind that reads contracts (Autotask; a contracts file). */
export interface ContractsCapability<Settings, Secrets> {
  /** Reads the contracts of the window; null when these settings ask for none. */
  read(
    settings: Settings,
    secrets: Secrets,
    window: ContractsWindow,
    deps: ConnectorDeps,
    signal?: AbortSignal,
  ): Promise<ConnectorContractsRead> | null;
}

/** A PSA kind that can create organizations (Autotask); the file PSA cannot (issue 14 item 5). */
export interface OrganizationWriteCapability<Settings, Secrets> {
  open(
    settings: Settings,
    secrets: Secrets,
    deps: ConnectorDeps,
    signal?: AbortSignal,
  ): PsaOrganizationWriter;
}

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
  /** Module kinds only: the usage the same sync run reads after the organizations. */
  readonly usage?: UsageCapability<Settings, Secrets>;
  /** PSA kinds only: the contracts the same sync run reads after the companies. */
  readonly contracts?: ContractsCapability<Settings, Secrets>;
  /** PSA kinds only: creating an organization in the PSA; absent: the kind cannot. */
  readonly organizations?: OrganizationWriteCapability<Settings, Secrets>;
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
  usage?: R extends "module" ? UsageCapability<z.output<S>, z.output<K>> : never;
  contracts?: R extends "psa" ? ContractsCapability<z.output<S>, z.output<K>> : never;
  organizations?: R extends "psa" ? OrganizationWriteCapability<z.output<S>, z.output<K>> : never;
}): ConnectorDefinition<R, z.output<S>, z.output<K>> {
  return definition as ConnectorDefinition<R, z.output<S>, z.output<K>>;
}
