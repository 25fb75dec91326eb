import {
  createMemoryHistory,
  createRootRoute,
  createRouter,
  RouterContextProvider,
} from "@tanstack/react-router";
import type { ReactNode } from "react";

/**
 * For web unit tests: a router on a memory history at `url`, loaded before the first render, so a
 * component that renders links or reads the location can be rendered synchronously.
 */
export async function testRouter(url = "/") {
  const router = createRouter({
    routeTree: createRootRoute(),
    history: createMemoryHistory({ initialEntries: [url] }),
  });
  await router.load();
  return {
    router,
    wrap: (children: ReactNode) => <RouterContextProvider router={router}>{children}</RouterContextProvider>,
  };
}
