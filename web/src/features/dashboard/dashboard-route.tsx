import { lazy, Suspense } from "react";
import { Loading } from "../common/status-views.tsx";

// Its own chunk (with uPlot): the mapping grid's first load does not pay for the dashboard's charts.
const DashboardPage = lazy(() => import("./dashboard-page.tsx").then((m) => ({ default: m.DashboardPage })));

export function DashboardRoute() {
  return (
    <Suspense fallback={<Loading />}>
      <DashboardPage />
    </Suspense>
  );
}
