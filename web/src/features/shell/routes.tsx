import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Navigate,
  type RouterHistory,
} from "@tanstack/react-router";
import type { ReactNode } from "react";
import { z } from "zod";
import { reconciliationSearchSchema } from "../billing/reconciliation-filters.ts";
import { choiceParam, flagParam, parseSearch, stringifySearch, textParam } from "../common/search-params.ts";
import { Loading } from "../common/status-views.tsx";
import { historySearchSchema } from "../history/history-search.ts";
import { mappingSearchSchema } from "../mapping/grid-url.ts";
import { NotFoundPage, RootLayout } from "./root-layout.tsx";

/**
 * The app's routes (TanStack Router, code-based). Each page is its own chunk, loaded on first visit
 * (`lazyRouteComponent`), so the first load carries only the shell and the page it opens. A page
 * whose state lives in the URL validates its search params here with its zod schema; the page reads
 * them typed with `getRouteApi(path).useSearch()`.
 */
const rootRoute = createRootRoute({ component: RootLayout, notFoundComponent: NotFoundPage });

/** A page without URL state of its own, loaded as its own chunk. */
const page = <const TPath extends string, TModule extends Record<string, () => ReactNode>>(
  path: TPath,
  load: () => Promise<TModule>,
  name: keyof TModule,
) =>
  createRoute({
    getParentRoute: () => rootRoute,
    path,
    component: lazyRouteComponent(load, name),
  });

// The first page after sign-in; `/login` is where a refused single sign-on comes back to (the
// session gate shows the sign-in form there while signed out).
const toDashboard = () => <Navigate to="/dashboard" replace />;
const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: toDashboard });
const loginRoute = createRoute({ getParentRoute: () => rootRoute, path: "/login", component: toDashboard });

const mappingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/mapping",
  validateSearch: mappingSearchSchema,
  component: lazyRouteComponent(() => import("../mapping/mapping-page.tsx"), "MappingPage"),
});
const suggestionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/mapping/suggestions",
  validateSearch: z.object({ moduleKey: textParam(64) }),
  component: lazyRouteComponent(() => import("../suggestions/suggestions-page.tsx"), "SuggestionsPage"),
});
const organizationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/organizations/$id",
  validateSearch: z.object({ view: choiceParam(["mappings"]) }),
  // Another organization is another page (its editor's drafts do not carry over).
  remountDeps: ({ params }) => params.id,
  component: lazyRouteComponent(() => import("../organization/organization-page.tsx"), "OrganizationPage"),
});
const reconciliationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/billing/reconciliation",
  validateSearch: reconciliationSearchSchema,
  component: lazyRouteComponent(() => import("../billing/reconciliation-page.tsx"), "ReconciliationPage"),
});
const historyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/history",
  validateSearch: historySearchSchema,
  component: lazyRouteComponent(() => import("../history/history-page.tsx"), "HistoryPage"),
});
const postingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/posting",
  // An alert's link (posting.failed) opens the activity log filtered to failed rows.
  validateSearch: z.object({ onlyFailed: flagParam() }),
  component: lazyRouteComponent(() => import("../posting/posting-page.tsx"), "PostingPage"),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  loginRoute,
  mappingRoute,
  suggestionsRoute,
  organizationRoute,
  reconciliationRoute,
  historyRoute,
  postingRoute,
  page("/dashboard", () => import("../dashboard/dashboard-page.tsx"), "DashboardPage"),
  page(
    "/billing/service-mappings",
    () => import("../billing/service-mappings-page.tsx"),
    "ServiceMappingsPage",
  ),
  page("/modules", () => import("../modules/modules-page.tsx"), "ModulesPage"),
  page("/settings", () => import("../settings/settings-page.tsx"), "SettingsPage"),
  page("/alerts", () => import("../alerts/alerts-page.tsx"), "AlertsPage"),
  // In the first chunk anyway: the forced password change shares its form.
  page("/account/password", () => import("../auth/change-password-page.tsx"), "AccountPasswordPage"),
  page("/account/sessions", () => import("../account/sessions-page.tsx"), "SessionsPage"),
  page("/account/mfa", () => import("../account/mfa-page.tsx"), "MfaPage"),
  page("/account/alerts", () => import("../alerts/my-alerts-page.tsx"), "MyAlertsPage"),
  page("/admin/users", () => import("../admin/users-page.tsx"), "UsersPage"),
  page("/admin/security", () => import("../security/security-page.tsx"), "SecurityPage"),
]);

/** The app's router; `history` is the browser's unless given (web unit tests pass a memory history). */
export function createAppRouter(history?: RouterHistory) {
  return createRouter({
    routeTree,
    ...(history ? { history } : {}),
    parseSearch,
    stringifySearch,
    // Back and Forward put the page back where it was scrolled; a new page starts at the top.
    scrollRestoration: true,
    defaultPendingComponent: () => <Loading />,
    defaultPendingMs: 300,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
