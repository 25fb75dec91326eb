import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { DEFAULT_TERM, termLabels } from "../../../../src/domain/term.ts";
import { type ApiClient, ApiError } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Session, Settings } from "../../api/api-types.ts";

export const SESSION_KEY = ["session"] as const;
export const SETTINGS_KEY = ["settings"] as const;
/** A note for the sign-in page ("Password changed. Sign in with your new password."). */
export const LOGIN_NOTICE_KEY = ["login-notice"] as const;
/** The server's rule for new passwords (PasswordChangeBody), checked here first to answer at once. */
export const MIN_PASSWORD_LENGTH = 12;

const MUST_CHANGE_KEY = "orgmap.mustChangePassword";

/**
 * GET /session does not say whether the password must change, only POST /session does; the flag is
 * kept for the tab (per user id) so a reload does not skip the forced change.
 */
export function rememberMustChangePassword(session: Session) {
  try {
    if (session.mustChangePassword) window.sessionStorage.setItem(MUST_CHANGE_KEY, session.user.id);
    else window.sessionStorage.removeItem(MUST_CHANGE_KEY);
  } catch {
    // Storage may be unavailable (private mode): the server's answer still forces the change once.
  }
}

function withRememberedFlag(session: Session): Session {
  if (session.mustChangePassword !== undefined) return session;
  try {
    return {
      ...session,
      mustChangePassword: window.sessionStorage.getItem(MUST_CHANGE_KEY) === session.user.id,
    };
  } catch {
    return session;
  }
}

/** The session, or null when signed out (GET /session answers 401). */
export function useSessionQuery() {
  const api = useApi();
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api.request<Session>("/session");
        api.setCsrfToken(session.csrfToken);
        return withRememberedFlag(session);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in user and what the role allows (the server enforces the same with 403). */
export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in tree");
  const role = session.user.role;
  return {
    user: session.user,
    canEditMappings: role !== "viewer",
    isAdmin: role === "admin",
    mustChangePassword: session.mustChangePassword === true,
  };
}

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: SETTINGS_KEY, queryFn: () => api.request<Settings>("/settings") });
}

/** UI labels following the instance's term ("Map by Customer", "Autotask Customer", ...). */
export function useTerm() {
  const { data } = useSettings();
  return termLabels(data?.organizationTerm ?? DEFAULT_TERM);
}

/** Forgets the signed-in user in this tab (after sign-out, or a password change that ended the session). */
export function endLocalSession(api: ApiClient, queryClient: QueryClient) {
  api.setCsrfToken(null);
  try {
    window.sessionStorage.removeItem(MUST_CHANGE_KEY);
  } catch {
    // nothing remembered
  }
  // Keep the session query (the app is subscribed to it) and drop everything the user could see.
  queryClient.setQueryData(SESSION_KEY, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}

export function useSignOut() {
  const api = useApi();
  const queryClient = useQueryClient();
  return async () => {
    try {
      await api.request("/session", { method: "DELETE" });
    } finally {
      endLocalSession(api, queryClient);
    }
  };
}
