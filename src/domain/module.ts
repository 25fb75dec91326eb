/** Lifecycle of a module with respect to integrated billing (product rule 1). */
export type ModuleState = "disabled" | "awaiting_first_sync" | "ready";

/**
 * A module is ready once billing is on and its first successful sync has completed. The first
 * successful sync is a one-time event: turning billing off and on again restores the module (and
 * its mappings) at once, without waiting for another sync.
 */
export function moduleState(billingEnabled: boolean, firstSuccessfulSyncAt: Date | null): ModuleState {
  if (!billingEnabled) return "disabled";
  return firstSuccessfulSyncAt ? "ready" : "awaiting_first_sync";
}

export type ModuleOrganizationStatus = "active" | "missing";
