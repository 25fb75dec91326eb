import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Answer } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import { useSession } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { ActivityLogSection } from "./activity-log-section.tsx";
import { ApprovalsSection } from "./approvals-section.tsx";

type Summary = Answer<"GET /posting/:key/preview">;

/**
 * Posting to the PSA (issue 10): each module's switch (admins; off means reconcile only), a
 * preview of what a run would post with the money, "Post now", the held decreases and the
 * activity log. Viewers see everything and change nothing.
 */
export function PostingPage() {
  const api = useApi();
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const switches = useQuery({
    queryKey: ["posting", "switches"],
    queryFn: () => api.request("GET /posting/switches"),
  });
  const [moduleKey, setModuleKey] = useState<string>("");
  const [summary, setSummary] = useState<Summary | null>(null);
  const chosen = moduleKey || switches.data?.items[0]?.moduleKey || "";
  const toggle = useMutation({
    mutationFn: (input: { key: string; enabled: boolean }) =>
      api.request("PUT /posting/switches/:key", {
        params: { key: input.key },
        body: { enabled: input.enabled },
      }),
    onSuccess: (item) => {
      void queryClient.invalidateQueries({ queryKey: ["posting", "switches"] });
      toast.success(`Posting ${item.isEnabled ? "on" : "off"} for ${item.moduleKey}`);
    },
  });
  const preview = useMutation({
    mutationFn: (key: string) => api.request("GET /posting/:key/preview", { params: { key } }),
    onSuccess: setSummary,
  });
  const postNow = useMutation({
    mutationFn: (key: string) => api.request("POST /posting/:key/runs", { params: { key }, body: {} }),
    onSuccess: (result) => {
      setSummary(result);
      void queryClient.invalidateQueries({ queryKey: ["posting"] });
      toast.success(
        `Posted: ${result.counts.posted ?? 0}, held ${result.counts.held ?? 0}, failed ${result.counts.failed ?? 0}`,
      );
    },
  });
  const enabled = switches.data?.items.find((s) => s.moduleKey === chosen)?.isEnabled ?? false;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Posting</h1>
      </div>
      {switches.isPending && <Loading />}
      {switches.isError && <ErrorBanner error={switches.error} onRetry={() => void switches.refetch()} />}
      {switches.data && (
        <section className="card" aria-label="Posting switches">
          <h2>Modules</h2>
          <p className="muted">Nothing is posted for a module until an administrator turns posting on.</p>
          <table className="table">
            <thead>
              <tr>
                <th>Module</th>
                <th>Posting</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              {switches.data.items.map((s) => (
                <tr key={s.moduleKey}>
                  <td>{s.moduleKey}</td>
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        checked={s.isEnabled}
                        disabled={!isAdmin || toggle.isPending}
                        aria-label={`Posting for ${s.moduleKey}`}
                        onChange={(event) =>
                          toggle.mutate({ key: s.moduleKey, enabled: event.target.checked })
                        }
                      />{" "}
                      {s.isEnabled ? "on" : "off (reconcile only)"}
                    </label>
                  </td>
                  <td className="muted">
                    {s.updatedBy ? `${s.updatedBy}, ${s.updatedAt?.slice(0, 10)}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {toggle.isError && <ErrorBanner error={toggle.error} />}
        </section>
      )}
      <section className="card" aria-label="Preview and post">
        <h2>Preview and post</h2>
        <div className="toolbar">
          <select
            className="input"
            aria-label="Module"
            value={chosen}
            onChange={(e) => setModuleKey(e.target.value)}
          >
            {switches.data?.items.map((s) => (
              <option key={s.moduleKey} value={s.moduleKey}>
                {s.moduleKey}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            disabled={!chosen || preview.isPending}
            onClick={() => preview.mutate(chosen)}
          >
            {preview.isPending ? "Reading the PSA…" : "Preview"}
          </button>
          {isAdmin && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={!chosen || !enabled || postNow.isPending || summary?.moduleKey !== chosen}
              title={enabled ? "Preview first, then post" : "Posting is off for this module"}
              onClick={() => postNow.mutate(chosen)}
            >
              {postNow.isPending ? "Posting…" : "Post now"}
            </button>
          )}
        </div>
        {preview.isError && <ErrorBanner error={preview.error} />}
        {postNow.isError && <ErrorBanner error={postNow.error} />}
        {summary && <SummaryView summary={summary} />}
      </section>
      <ApprovalsSection />
      <ActivityLogSection />
    </div>
  );
}

function SummaryView({ summary }: { summary: Summary }) {
  const lines = summary.lines.filter((line) => line.action !== "same");
  return (
    <div data-testid="posting-summary">
      <p>
        {summary.moduleKey}, {summary.periodKey}:{" "}
        {summary.outcome === "preview" ? "preview" : summary.outcome}, {summary.requestCount} PSA requests
      </p>
      <ul className="totals">
        {summary.totals.map((t) => (
          <li key={t.action}>
            {t.action}: {t.rows} rows, {t.units} units, {t.money}
          </li>
        ))}
      </ul>
      <table className="table">
        <thead>
          <tr>
            <th>Organization</th>
            <th>Service</th>
            <th>Action</th>
            <th>Units</th>
            <th>Money</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={`${line.organizationName}/${line.serviceName}/${line.billingType}`}>
              <td>{line.organizationName}</td>
              <td>{line.serviceName ?? line.billingType}</td>
              <td>{line.action}</td>
              <td>
                {line.unitsBefore ?? "?"} → {line.unitsAfter ?? "?"}
              </td>
              <td>{line.money ?? ""}</td>
              <td className="muted">{line.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
