import "./alerts.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import type { Answer } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";

type Mine = Answer<"GET /me/alert-subscriptions">;
type Mode = "off" | "immediate" | "digest";
const KEY = ["me", "alert-subscriptions"] as const;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Every user's own alerts: the address, each event immediately / in the daily digest / not at all. */
export function MyAlertsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const mine = useQuery({ queryKey: KEY, queryFn: () => api.request("GET /me/alert-subscriptions") });
  const [email, setEmail] = useState("");
  const [hour, setHour] = useState(8);
  const [modes, setModes] = useState<Record<string, Mode>>({});
  useEffect(() => {
    const data: Mine | undefined = mine.data;
    if (!data) return;
    setEmail(data.email ?? "");
    setHour(data.digestHour);
    setModes(Object.fromEntries(data.subscriptions.map((s) => [s.eventType, s.mode])));
  }, [mine.data]);
  const save = useMutation({
    mutationFn: () =>
      api.request("PUT /me/alert-subscriptions", {
        body: {
          email: email.trim() || null,
          digestHour: hour,
          subscriptions: (mine.data?.eventTypes ?? []).flatMap(({ type }) => {
            const mode = modes[type] ?? "off";
            return mode === "off" ? [] : [{ eventType: type, mode }];
          }),
        },
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(KEY, data);
      toast.success("Alerts saved");
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>My alerts</h1>
      </div>
      {mine.isPending && <Loading />}
      {mine.isError && <ErrorBanner error={mine.error} onRetry={() => void mine.refetch()} />}
      {mine.data && (
        <form className="card form" onSubmit={onSubmit}>
          {save.isError && <ErrorBanner error={save.error} />}
          <label className="field">
            <span>Send my alerts to</span>
            <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            <small className="muted">Leave it empty to receive no e-mail.</small>
          </label>
          <label className="field">
            <span>Daily digest at</span>
            <select className="input" value={hour} onChange={(e) => setHour(Number(e.target.value))}>
              {HOURS.map((h) => (
                <option key={h} value={h}>{`${String(h).padStart(2, "0")}:00`}</option>
              ))}
            </select>
            <small className="muted">In the instance's time zone (Settings).</small>
          </label>
          <table className="table">
            <caption>Events</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {mine.data.eventTypes.map(({ type, label }) => (
                <tr key={type}>
                  <td>{label}</td>
                  <td>
                    <select
                      className="input"
                      aria-label={label}
                      value={modes[type] ?? "off"}
                      onChange={(e) => setModes({ ...modes, [type]: e.target.value as Mode })}
                    >
                      <option value="off">Not at all</option>
                      <option value="immediate">Immediately</option>
                      <option value="digest">In the daily digest</option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save my alerts"}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
