import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { ORGANIZATION_TERMS, type OrganizationTerm } from "../../../../src/domain/term.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Settings } from "../../api/api-types.ts";
import type { SettingsPatchInput } from "../../api/request-types.ts";
import { SETTINGS_KEY, useSession, useSettings, useTerm } from "../auth/session-hooks.ts";
import { MoneySettingsFields } from "../billing/money-settings-fields.tsx";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { usePageTitle } from "../common/use-page-title.ts";

function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? ["UTC"];
  return zones.includes(current) ? zones : [current, ...zones];
}

/** The instance's term for "organization" and its time zone (admins change them). */
export function SettingsPage() {
  usePageTitle("Settings");
  const api = useApi();
  const labels = useTerm();
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const settings = useSettings();
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => {
    if (settings.data && !draft) setDraft(settings.data);
  }, [settings.data, draft]);
  const zones = useMemo(() => timeZones(draft?.timeZone ?? "UTC"), [draft?.timeZone]);
  const save = useMutation({
    mutationFn: (value: Settings) =>
      api.request("PATCH /settings", { body: value satisfies SettingsPatchInput }),
    onSuccess: (data) => {
      queryClient.setQueryData(SETTINGS_KEY, data);
      setDraft(data);
      toast.success("Settings saved");
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (draft) save.mutate(draft);
  };
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      {settings.isPending && <Loading />}
      {settings.isError && <ErrorBanner error={settings.error} onRetry={() => void settings.refetch()} />}
      {draft && (
        <form className="card form" onSubmit={onSubmit}>
          {save.isError && <ErrorBanner error={save.error} />}
          <label className="field">
            <span>Term for "organization"</span>
            <select
              className="input"
              name="organizationTerm"
              value={draft.organizationTerm}
              disabled={!isAdmin}
              onChange={(event) =>
                setDraft({ ...draft, organizationTerm: event.target.value as OrganizationTerm })
              }
            >
              {ORGANIZATION_TERMS.map((term) => (
                <option key={term} value={term}>
                  {term}
                </option>
              ))}
            </select>
            <small className="muted">
              Every label follows it: "{labels.mapByOrganization}", "{labels.psaOrganization}".
            </small>
          </label>
          <label className="field">
            <span>Time zone</span>
            <select
              className="input"
              name="timeZone"
              value={draft.timeZone}
              disabled={!isAdmin}
              onChange={(event) => setDraft({ ...draft, timeZone: event.target.value })}
            >
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
            <small className="muted">Schedules (such as the nightly sync) run in this time zone.</small>
          </label>
          <MoneySettingsFields
            currency={draft.currency}
            locale={draft.locale}
            disabled={!isAdmin}
            onChange={(patch) => setDraft({ ...draft, ...patch })}
          />
          {isAdmin ? (
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save settings"}
              </button>
            </div>
          ) : (
            <p className="muted">Only administrators can change settings.</p>
          )}
        </form>
      )}
    </div>
  );
}
