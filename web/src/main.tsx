import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError, createApiClient } from "./api/api-client.ts";
import { ApiProvider } from "./api/api-context.tsx";
import { ForcedPasswordChangePage } from "./features/auth/change-password-page.tsx";
import { LoginPage } from "./features/auth/login-page.tsx";
import { SESSION_KEY, SessionContext, useSessionQuery } from "./features/auth/session-hooks.ts";
import { ErrorBanner, Loading } from "./features/common/status-views.tsx";
import { ToastProvider } from "./features/common/toast.tsx";
import { AppShell } from "./features/shell/app-shell.tsx";
import { RouterProvider } from "./features/shell/router.tsx";
import "./styles.css";

const onUnauthenticated = () => queryClient.setQueryData(SESSION_KEY, null);
const queryClient = new QueryClient({
  queryCache: new QueryCache(),
  mutationCache: new MutationCache(),
  defaultOptions: {
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});
const api = createApiClient(onUnauthenticated);

function App() {
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

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={api}>
        <QueryClientProvider client={queryClient}>
          <ToastProvider>
            <RouterProvider>
              <App />
            </RouterProvider>
          </ToastProvider>
        </QueryClientProvider>
      </ApiProvider>
    </StrictMode>,
  );
}
