import { Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useSession, useSignOut } from "../auth/session-hooks.ts";
import { MenuButton } from "../common/menu-button.tsx";
import { Link } from "./router.tsx";

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
  const navigate = useNavigate();
  const path = useLocation({ select: (location) => location.pathname });

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
              { label: "Change password", onSelect: () => void navigate({ to: "/account/password" }) },
              { label: "Sessions", onSelect: () => void navigate({ to: "/account/sessions" }) },
              { label: "MFA", onSelect: () => void navigate({ to: "/account/mfa" }) },
              { label: "My alerts", onSelect: () => void navigate({ to: "/account/alerts" }) },
              { label: "Sign out", onSelect: () => void signOut() },
            ]}
          />
        </div>
      </header>
      <main className="app-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
