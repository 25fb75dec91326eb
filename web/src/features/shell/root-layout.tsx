import { ForcedPasswordChangePage } from "../auth/change-password-page.tsx";
import { LoginPage } from "../auth/login-page.tsx";
import { SessionContext, useSessionQuery } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { AppShell } from "./app-shell.tsx";
import { Link } from "./router.tsx";

/**
 * The root route: the session gate. Signed out, every URL shows the sign-in form (and stays the URL,
 * so a deep link opens its page after sign-in); a forced password change comes before any page.
 */
export function RootLayout() {
  const session = useSessionQuery();
  if (session.isPending) return <Loading label="Starting…" />;
  if (session.isError) return <ErrorBanner error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <LoginPage />;
  return (
    <SessionContext.Provider value={session.data}>
      {session.data.mustChangePassword ? <ForcedPasswordChangePage /> : <AppShell />}
    </SessionContext.Provider>
  );
}

export function NotFoundPage() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/mapping">Go to mapping</Link>
      </p>
    </div>
  );
}
