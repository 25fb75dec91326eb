import { createHash } from "node:crypto";
import type { OrganizationType } from "./organization.ts";
import { isMappableType } from "./organization.ts";

/** What one cell of the Map by Organization grid shows (product rule 4). */
export type CellState = "empty" | "mapped" | "multiple" | "ignored";

export function cellState(mappedCount: number, isIgnored: boolean): CellState {
  if (mappedCount > 1) return "multiple";
  if (mappedCount === 1) return "mapped";
  return isIgnored ? "ignored" : "empty";
}

/**
 * The version of an (organization, module) pair as a client saw it: which module organizations
 * were mapped there and whether the pair was ignored. A change based on another version is stale.
 */
export function pairVersion(moduleOrganizationIds: readonly string[], isIgnored: boolean): string {
  const text = `${[...moduleOrganizationIds].sort().join(",")}|${isIgnored ? "i" : ""}`;
  return createHash("sha256").update(text).digest("base64url").slice(0, 16);
}

/** A mapping needs attention when its target can no longer be billed or its source disappeared. */
export function mappingNeedsAttention(
  targetType: OrganizationType,
  moduleOrganizationStatus: string,
): boolean {
  return !isMappableType(targetType) || moduleOrganizationStatus === "missing";
}
