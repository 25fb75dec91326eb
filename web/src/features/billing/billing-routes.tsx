import { lazy, Suspense } from "react";
import { Loading } from "../common/status-views.tsx";

// The billing pages load as their own chunk, on first visit.
const ReconciliationPage = lazy(() =>
  import("./reconciliation-page.tsx").then((m) => ({ default: m.ReconciliationPage })),
);
const ServiceMappingsPage = lazy(() =>
  import("./service-mappings-page.tsx").then((m) => ({ default: m.ServiceMappingsPage })),
);

export function ReconciliationRoute() {
  return (
    <Suspense fallback={<Loading />}>
      <ReconciliationPage />
    </Suspense>
  );
}

export function ServiceMappingsRoute() {
  return (
    <Suspense fallback={<Loading />}>
      <ServiceMappingsPage />
    </Suspense>
  );
}
