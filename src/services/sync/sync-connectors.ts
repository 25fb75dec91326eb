import { ConnectorConfigError, type ConnectorDeps } from "../../connectors/connector.ts";
import type { ConnectorFor, ConnectorRole } from "../../connectors/connector-definition.ts";
import {
  type BillingReads,
  connectorDefinitions,
  createBillingReads,
  createConnector,
  type ValidConnectorConfig,
  validateConnectorConfig,
} from "../../connectors/connector-registry.ts";
import type { SyncScope } from "../../db/sync-run.repository.ts";
import { invalidValue } from "../../domain/errors.ts";
import type { SecretBox } from "../secret-box.ts";

/** A module's connector or the PSA's. */
export type SyncTarget = ConnectorRole;

/** Turns a connector configuration error into a 422 naming the request field ("connector.settings.baseUrl"). */
function asInvalidValue<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw invalidValue(`connector.${error.field}`, error.message);
    throw error;
  }
}

/** Validates a connector for a module or the PSA with the kind's schemas; 422 naming the field otherwise. */
export function validateConnector(
  target: SyncTarget,
  kind: string,
  settings: unknown,
  secrets: unknown,
): ValidConnectorConfig {
  return asInvalidValue(() => validateConnectorConfig(target, kind, settings, secrets));
}

/** Builds the connector of a module or the PSA from its stored configuration (422 when it is not valid). */
export function buildConnector<R extends SyncTarget>(
  target: R,
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps,
): ConnectorFor<R> {
  return asInvalidValue(() => createConnector(target, kind, settings, secrets, deps));
}

/** The usage (module) or contracts (PSA) reads of a stored configuration (422 when it is not valid). */
export function buildBillingReads(
  target: SyncTarget,
  kind: string,
  settings: unknown,
  secrets: unknown,
  deps: ConnectorDeps,
): BillingReads {
  return asInvalidValue(() => createBillingReads(target, kind, settings, secrets, deps));
}

/** The kinds a module (or the PSA) can use, e.g. for the CLI's help. */
export function connectorKindNames(target: SyncTarget): string[] {
  return connectorDefinitions(target).map((definition) => definition.kind);
}

/** Sealed secrets are bound to where they are stored, so a value copied to another row does not open. */
const secretsContext = (scope: SyncScope) => (scope === null ? "psa" : `module:${scope}`);

/** Opens a scope's stored secrets for building a connector; the plain values go nowhere else. */
export function openConnectorSecrets(
  box: SecretBox,
  scope: SyncScope,
  sealed: string | null,
): Record<string, unknown> {
  return sealed ? box.open(sealed, secretsContext(scope)) : {};
}

/** Seals a scope's secrets for storage; null when there are none. */
export function sealConnectorSecrets(
  box: SecretBox,
  scope: SyncScope,
  secrets: Record<string, unknown>,
): string | null {
  return Object.keys(secrets).length === 0 ? null : box.seal(secrets, secretsContext(scope));
}
