import { useEffect } from "react";
import { MfaPage } from "../account/mfa-page.tsx";
import { SessionsPage } from "../account/sessions-page.tsx";
import { UsersPage } from "../admin/users-page.tsx";
import { AlertsPage } from "../alerts/alerts-page.tsx";
import { MyAlertsPage } from "../alerts/my-alerts-page.tsx";
import { AccountPasswordPage } from "../auth/change-password-page.tsx";
import { useSession, useSignOut } from "../auth/session-hooks.ts";
import { ReconciliationRoute, ServiceMappingsRoute } from "../billing/billing-routes.tsx";
import { MenuButton } from "../common/menu-button.tsx";
import { DashboardRoute } from "../dashboard/dashboard-route.tsx";
import { HistoryPage } from "../history/history-page.tsx";
import { MappingPage } from "../mapping/mapping-page.tsx";
import { ModulesPage } from "../modules/modules-page.tsx";
import { OrganizationPage } from "../organization/organization-page.tsx";
import { PostingPage } from "../posting/posting-page.tsx";
import { SecurityPage } from "../security/security-page.tsx";
import { SettingsPage } from "../settings/settings-page.tsx";
import { SuggestionsPage } from "../suggestions/suggestions-page.tsx";
import { Link, useRouter } from "./router.tsx";

const NAV = [
  { to: "/dashboard", label: "Dashboard" },
  { to: "/mapping", label: "Mapping" },
  { to: "/billing/reconciliation", label: "Reconciliation" },
  { to: "/billing/service-mappings", label: "Billing services" },
  { to: "/modules", label: "Modules" },
  { to: "/posting", label: "Posting" },
  { to: "/history", label: "History" },
  { to: "/settings", label: "Settings" },
  { to: "/alerts", label: "Alerts" },
];

export function AppShell() {
  const { user, isAdmin } = useSession();
  const signOut = useSignOut();
  const { location, navigate } = useRouter();
  const path = location.pathname;

  useEffect(() => {
    if (path === "/" || path === "/login") navigate("/dashboard", { replace: true });
  }, [path, navigate]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/mapping" className="brand">
          orgmap
        </Link>
        <nav aria-label="Main" className="main-nav">
          {[
            ...NAV,
            ...(isAdmin ? [{ to: "/admin/users", label: "Users" }] : []),
            ...(isAdmin ? [{ to: "/admin/security", label: "Security" }] : []),
          ].map((item) => (
            <Link
              key={item.to}
              to={item.to}
              className="nav-link"
              aria-current={path.startsWith(item.to) ? "page" : undefined}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="user-box">
          <span className="user-name" data-testid="current-user">
            {user.username}
          </span>
          <span className={`badge badge-role role-${user.role}`} data-testid="current-role">
            {user.role}
          </span>
          <MenuButton
            label="Account"
            items={[
              { label: "Change password", onSelect: () => navigate("/account/password") },
              { label: "Sessions", onSelect: () => navigate("/account/sessions") },
              { label: "MFA", onSelect: () => navigate("/account/mfa") },
              { label: "My alerts", onSelect: () => navigate("/account/alerts") },
              { label: "Sign out", onSelect: () => void signOut() },
            ]}
          />
        </div>
      </header>
      <main className="app-main" id="main" tabIndex={-1}>
        {renderRoute(path)}
      </main>
    </div>
  );
}

function renderRoute(path: string) {
  const organization = /^\/organizations\/([^/]+)\/?$/.exec(path);
  if (organization?.[1])
    return <OrganizationPage key={organization[1]} id={decodeURIComponent(organization[1])} />;
  if (path.startsWith("/mapping/suggestions")) return <SuggestionsPage />;
  if (path.startsWith("/dashboard")) return <DashboardRoute />;
  if (path.startsWith("/billing/reconciliation")) return <ReconciliationRoute />;
  if (path.startsWith("/billing/service-mappings")) return <ServiceMappingsRoute />;
  if (path.startsWith("/modules")) return <ModulesPage />;
  if (path.startsWith("/posting")) return <PostingPage />;
  if (path.startsWith("/history")) return <HistoryPage />;
  if (path.startsWith("/settings")) return <SettingsPage />;
  if (path.startsWith("/account/password")) return <AccountPasswordPage />;
  if (path.startsWith("/account/sessions")) return <SessionsPage />;
  if (path.startsWith("/account/mfa")) return <MfaPage />;
  if (path.startsWith("/admin/users")) return <UsersPage />;
  if (path.startsWith("/admin/security")) return <SecurityPage />;
  if (path.startsWith("/account/alerts")) return <MyAlertsPage />;
  if (path.startsWith("/alerts")) return <AlertsPage />;
  if (path.startsWith("/mapping") || path === "/" || path === "/login") return <MappingPage />;
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/mapping">Go to mapping</Link>
      </p>
    </div>
  );
}
