import { type AuditEntityType, isAuditEntityType } from "./audit.ts";

/**
 * The history in words (issue 13 point 10): who did it, what kind of thing changed and how a step
 * is counted ("585 mappings"). Shared by the server (titles of undo steps) and the web app.
 */

/** "user:admin" → "admin"; "token:export" → "API token export"; "system:sync" → "Sync"; "cli" → "Command line". */
export function actorName(label: string): string {
  const [kind, ...rest] = label.split(":");
  const name = rest.join(":");
  if (kind === "user" && name) return name;
  if (kind === "token" && name) return `API token ${name}`;
  if (kind === "cli") return "Command line";
  if (kind === "system") {
    if (name === "sync") return "Sync";
    if (name === "start") return "orgmap (start-up)";
    if (name === "usage") return "Usage reading";
    return name ? `orgmap (${name})` : "orgmap";
  }
  return label;
}

/** Singular and plural of each kind of change. */
const NOUNS: Record<AuditEntityType, [string, string]> = {
  mapping: ["mapping", "mappings"],
  ignore: ["ignore", "ignores"],
  exclusion: ["exclusion from billing", "exclusions from billing"],
  settings: ["settings change", "settings changes"],
  suggestion_rejection: ["rejected suggestion", "rejected suggestions"],
  module: ["module change", "module changes"],
  module_sync: ["connector change", "connector changes"],
  psa_sync: ["PSA connector change", "PSA connector changes"],
  organization: ["PSA organization change", "PSA organization changes"],
  module_organization: ["module organization change", "module organization changes"],
  user: ["user change", "user changes"],
  token: ["API token change", "API token changes"],
  posting: ["posting", "postings"],
  posting_approval: ["posting approval", "posting approvals"],
  posting_attempt: ["posting attempt", "posting attempts"],
  activity: ["activity change", "activity changes"],
  service_mapping: ["service mapping", "service mappings"],
  security: ["security setting change", "security setting changes"],
  alert_channel: ["alert channel change", "alert channel changes"],
  alert_subscription: ["alert subscription change", "alert subscription changes"],
  psa_company: ["organization created in the PSA", "organizations created in the PSA"],
};

/** What the history's filter offers, in words. */
export const HISTORY_KINDS: { entityType: AuditEntityType; label: string }[] = [
  { entityType: "mapping", label: "Mappings" },
  { entityType: "ignore", label: "Ignores" },
  { entityType: "exclusion", label: "Exclusions from billing" },
  { entityType: "suggestion_rejection", label: "Rejected suggestions" },
  { entityType: "settings", label: "Settings" },
  { entityType: "module", label: "Modules" },
  { entityType: "module_sync", label: "Connectors" },
  { entityType: "psa_sync", label: "PSA connector" },
  { entityType: "organization", label: "PSA organizations (sync)" },
  { entityType: "module_organization", label: "Module organizations (sync)" },
  { entityType: "user", label: "Users" },
  { entityType: "token", label: "API tokens" },
  { entityType: "service_mapping", label: "Service mappings" },
  { entityType: "posting", label: "Postings" },
  { entityType: "posting_approval", label: "Posting approvals" },
  { entityType: "psa_company", label: "Organizations created in the PSA" },
];

/** "585 mappings", "1 ignore", "12 changes" (several kinds). */
export function countLabel(count: number, entityTypes: readonly string[]): string {
  const [only] = entityTypes;
  const [one, many] =
    entityTypes.length === 1 && only && isAuditEntityType(only) ? NOUNS[only] : ["change", "changes"];
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** The kinds of change undo can replay (decisions a person makes, rule 9). */
export const UNDOABLE_ENTITY_TYPES: readonly AuditEntityType[] = [
  "mapping",
  "ignore",
  "exclusion",
  "settings",
  // Undo leaves the PSA's company (it cannot be deleted there) and reverts the step's mapping.
  "psa_company",
  // A billing type's service mapping: audit-undo.ts replays it (revertServiceMapping).
  "service_mapping",
];

/** Why a step cannot be undone from its kinds of change, or null when it can. */
export function whyNotUndoable(entityTypes: readonly string[]): string | null {
  const other = entityTypes.find((t) => !(UNDOABLE_ENTITY_TYPES as readonly string[]).includes(t));
  if (!other) return null;
  const noun = isAuditEntityType(other) ? NOUNS[other][0] : "change";
  return `${noun.replace(/ change$/, "")} changes cannot be undone from the history`;
}
