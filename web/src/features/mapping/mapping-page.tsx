import { getRouteApi } from "@tanstack/react-router";
import { type KeyboardEvent, useRef } from "react";
import { useTerm } from "../auth/session-hooks.ts";
import { usePageTitle } from "../common/use-page-title.ts";
import { Link } from "../shell/router.tsx";
import { ModuleOrganizationTab } from "./module-organization-tab.tsx";
import { OrganizationGridTab } from "./organization-grid-tab.tsx";
import { SummaryBar } from "./summary-bar.tsx";

type TabId = "organizations" | "module-organizations";

const routeApi = getRouteApi("/mapping");

/** The Module Organization Mapping page: two tabs named with the instance's term. */
export function MappingPage() {
  usePageTitle("Mapping");
  const labels = useTerm();
  const navigate = routeApi.useNavigate();
  const tab: TabId = routeApi.useSearch({ select: (search) => search.tab ?? "organizations" });
  const tabs: { id: TabId; label: string }[] = [
    { id: "organizations", label: labels.mapByOrganization },
    { id: "module-organizations", label: labels.mapByModuleOrganization },
  ];
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  // A tab starts with its own defaults: the other tab's filters do not carry over.
  const select = (id: TabId) =>
    void navigate({ search: id === "organizations" ? {} : { tab: "module-organizations" } });
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const next: TabId = tab === "organizations" ? "module-organizations" : "organizations";
    select(next);
    requestAnimationFrame(() => refs.current[next]?.focus());
  };
  return (
    <div className="page page-wide">
      <div className="page-head">
        <h1>{labels.moduleOrganization} Mapping</h1>
        <span className="toolbar-spacer" />
        <Link className="btn" to="/mapping/suggestions">
          Review suggestions
        </Link>
      </div>
      <SummaryBar />
      <div
        role="tablist"
        aria-label={`${labels.moduleOrganization} Mapping`}
        className="tabs"
        onKeyDown={onKeyDown}
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="tab"
            onClick={() => select(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === "organizations" ? <OrganizationGridTab /> : <ModuleOrganizationTab />}
      </div>
    </div>
  );
}
