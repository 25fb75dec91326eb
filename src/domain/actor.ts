import type { Role } from "./role.ts";

/** Who makes a change: a signed-in user, an API token, the CLI, or orgmap itself (sync, scheduler). */
export interface Actor {
  kind: "user" | "token" | "cli" | "system";
  /** User id, token id, or a fixed word for cli/system. */
  id: string;
  /** What the audit shows: "user:alice", "token:billing-export", "cli", "system:sync". */
  label: string;
  role: Role;
}

export const systemActor = (what: string): Actor => ({
  kind: "system",
  id: what,
  label: `system:${what}`,
  role: "admin",
});

export const cliActor: Actor = { kind: "cli", id: "cli", label: "cli", role: "admin" };
