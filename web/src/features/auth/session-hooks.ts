import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { DEFAULT_TERM, termLabels } from "../../../../src/domain/term.ts";
import { type ApiClient, ApiError } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Session } from "../../api/api-types.ts";

export const SESSION_KEY = ["session"] as const;
export const SETTINGS_KEY = ["settings"] as const;
/** A note for the sign-in page ("Password changed. Sign in with your new password."). */
export const LOGIN_NOTICE_KEY = ["login-notice"] as const;
/** The server's rule for new passwords (PasswordChangeBody), checked here first to answer at once. */
export const MIN_PASSWORD_LENGTH = 12;

/** The session, or null when signed out (GET /session answers 401). */
export function useSessionQuery() {
  const api = useApi();
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<Session | null> => {
      try {
        const { user, csrfToken, mustChangePassword } = await api.request("GET /session");
        // Only an API token has no user and no CSRF token; the browser signs in with a cookie.
        if (!user || !csrfToken) return null;
        api.setCsrfToken(csrfToken);
        return { user, csrfToken, mustChangePassword };
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
    mustChangePassword: session.mustChangePassword,
  };
}

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: SETTINGS_KEY, queryFn: () => api.request("GET /settings") });
}

/** UI labels following the instance's term ("Map by Customer", "Autotask Customer", ...). */
export function useTerm() {
  const { data } = useSettings();
  return termLabels(data?.organizationTerm ?? DEFAULT_TERM);
}

/** Forgets the signed-in user in this tab (after sign-out, or a password change that ended the session). */
export function endLocalSession(api: ApiClient, queryClient: QueryClient) {
  api.setCsrfToken(null);
  // Keep the session query (the app is subscribed to it) and drop everything the user could see.
  queryClient.setQueryData(SESSION_KEY, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}

export function useSignOut() {
  const api = useApi();
  const queryClient = useQueryClient();
  return async () => {
    try {
      await api.request("DELETE /session");
    } finally {
      endLocalSession(api, queryClient);
    }
  };
}
