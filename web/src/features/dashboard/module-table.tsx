import { useTerm } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { Link } from "../shell/router.tsx";
import type { Dashboard, LastSync } from "./dashboard-queries.ts";
import { Sparkline } from "./sparkline.tsx";

const STATE_WORDS = { disabled: "Billing off", awaiting_first_sync: "Awaiting first sync", ready: "Ready" };
const OUTCOME_WORDS: Record<string, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  running: "Running",
};

export function unmappedLink(moduleKey: string): string {
  return `/mapping?tab=module-organizations&moduleKey=${encodeURIComponent(moduleKey)}&status=unmapped`;
}

function trendLabel(moduleName: string, trend: Dashboard["modules"][number]["trend"], words: string) {
  const first = trend[0];
  const last = trend.at(-1);
  if (!first || !last) return `${moduleName}: no runs with counts in the last 90 days`;
  return `${moduleName}, ${words} over the last 90 days: ${first.unmapped.toLocaleString()} on ${first.day}, ${last.unmapped.toLocaleString()} on ${last.day} (${trend.length} days with a run)`;
}

export function LastSyncCell({ run, timeZone }: { run: LastSync | null; timeZone: string }) {
  if (!run) return <span className="muted">Never synced</span>;
  return (
    <span>
      <span className={`outcome-${run.outcome}`}>{OUTCOME_WORDS[run.outcome] ?? run.outcome}</span>{" "}
      <span className="muted">{formatDateTime(run.finishedAt ?? run.startedAt, timeZone)}</span>
      {run.error && <span className="error-text small dashboard-sync-error"> {run.error}</span>}
    </span>
  );
}

/** Per module: unmapped now (a link to tab 2 filtered), its 90-day trend, and the last sync. */
export function ModuleTable({ dashboard }: { dashboard: Dashboard }) {
  const labels = useTerm();
  const plural = labels.moduleOrganizations.toLowerCase();
  const unmappedWords = `unmapped ${plural}`;
  return (
    <table className="table" aria-labelledby="dashboard-modules">
      <thead>
        <tr>
          <th scope="col">Module</th>
          <th scope="col">Unmapped {plural} now</th>
          <th scope="col">
            Unmapped, last 90 days ({dashboard.trendFrom} to {dashboard.trendTo})
          </th>
          <th scope="col">Last sync</th>
        </tr>
      </thead>
      <tbody>
        {dashboard.modules.map((m) => (
          <tr key={m.key} data-module-key={m.key}>
            <th scope="row">
              {m.name}
              {m.state !== "ready" && <span className="muted small"> · {STATE_WORDS[m.state]}</span>}
            </th>
            <td className="num">
              {m.state === "ready" ? (
                <Link
                  to={unmappedLink(m.key)}
                  data-testid="dashboard-unmapped"
                  aria-label={`${m.unmapped.toLocaleString()} ${unmappedWords} in ${m.name}`}
                >
                  {m.unmapped.toLocaleString()}
                </Link>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              <Sparkline
                points={m.trend.map((p) => ({ day: p.day, value: p.unmapped }))}
                from={dashboard.trendFrom}
                to={dashboard.trendTo}
                label={trendLabel(m.name, m.trend, unmappedWords)}
              />
            </td>
            <td>
              <Link to="/modules" className="plain-link">
                <span className="sr-only">Last sync of {m.name}: </span>
                <LastSyncCell run={m.lastSync} timeZone={dashboard.timeZone} />
              </Link>
            </td>
          </tr>
        ))}
        <tr data-module-key="psa">
          <th scope="row">PSA ({labels.plural})</th>
          <td className="muted">—</td>
          <td className="muted">—</td>
          <td>
            <Link to="/modules" className="plain-link">
              <span className="sr-only">Last sync of the PSA: </span>
              <LastSyncCell run={dashboard.psaLastSync} timeZone={dashboard.timeZone} />
            </Link>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
