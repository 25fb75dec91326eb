import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError, createApiClient } from "./api/api-client.ts";
import { ApiProvider } from "./api/api-context.tsx";
import { SESSION_KEY } from "./features/auth/session-hooks.ts";
import { ToastProvider } from "./features/common/toast.tsx";
import { createAppRouter } from "./features/shell/routes.tsx";
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
const router = createAppRouter();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={api}>
        <QueryClientProvider client={queryClient}>
          <ToastProvider>
            <RouterProvider router={router} />
          </ToastProvider>
        </QueryClientProvider>
      </ApiProvider>
    </StrictMode>,
  );
}
