import { type FormEvent, useState } from "react";
import type { Connector } from "../../api/api-types.ts";
import type { ConnectorInput, PsaPatchInput } from "../../api/request-types.ts";

interface KindFields {
  label: string;
  settings: string[];
  secrets: string[];
}

/**
 * Connector kinds and their fields as src/connectors/connector-registry.ts defines them. Unknown
 * kinds and extra stored settings still get text fields; numeric settings are sent as numbers.
 */
const KINDS: Record<string, KindFields> = {
  file: { label: "File (CSV or JSON)", settings: ["path", "format"], secrets: [] },
  itglue: { label: "IT Glue", settings: ["baseUrl"], secrets: ["apiKey"] },
  "datto-rmm": { label: "Datto RMM", settings: ["baseUrl"], secrets: ["apiKey", "apiSecret"] },
  "datto-saas": {
    label: "Datto SaaS Protection",
    settings: ["baseUrl"],
    secrets: ["publicKey", "secretKey"],
  },
  autotask: {
    label: "Autotask",
    settings: ["baseUrl"],
    secrets: ["apiIntegrationCode", "userName", "secret"],
  },
};

const NUMERIC_SETTINGS = new Set(["pageSize", "requestTimeoutMs", "totalTimeoutMs"]);

/** The settings as the API expects them: numbers for numeric fields, blank fields left out. */
function typedSettings(settings: Record<string, string>): Record<string, string | number> {
  const typed: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value.trim() === "") continue;
    typed[key] = NUMERIC_SETTINGS.has(key) && /^\d+$/.test(value.trim()) ? Number(value) : value;
  }
  return typed;
}

/** The body of PATCH /psa and the connector part of PATCH /modules/{key} (server: PsaPatchBody). */
export type ConnectorChange = PsaPatchInput & { connector: ConnectorInput };

interface ConnectorFormProps {
  idPrefix: string;
  connector: Connector | null;
  schedule: unknown;
  kinds: string[];
  canEdit: boolean;
  isSaving: boolean;
  onSave(change: ConnectorChange): void;
}

function scheduleText(schedule: unknown): string {
  if (schedule == null) return "";
  return typeof schedule === "string" ? schedule : JSON.stringify(schedule);
}

/** Connector settings and schedule. Secrets are write-only: blank keeps the stored ones. */
export function ConnectorForm(props: ConnectorFormProps) {
  const [kind, setKind] = useState(props.connector?.kind ?? props.kinds[0] ?? "file");
  const stored = () =>
    Object.fromEntries(Object.entries(props.connector?.settings ?? {}).map(([k, v]) => [k, String(v ?? "")]));
  const [settings, setSettings] = useState<Record<string, string>>(stored);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [schedule, setSchedule] = useState(scheduleText(props.schedule));
  const fields = KINDS[kind] ?? { label: kind, settings: [], secrets: [] };
  const settingKeys = [...new Set([...fields.settings, ...Object.keys(settings)])];
  const kindOptions = [...new Set([...props.kinds, kind])];
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ""));
    props.onSave({
      connector: {
        kind,
        settings: typedSettings(settings),
        ...(Object.keys(filled).length ? { secrets: filled } : {}),
      },
      // A blank schedule keeps the stored one (the server has no "no schedule" value).
      ...(schedule.trim() ? { schedule: schedule.trim() } : {}),
    });
    setSecrets({});
  };
  const id = (name: string) => `${props.idPrefix}-${name}`;
  return (
    <form className="form form-grid" onSubmit={onSubmit}>
      <label className="field" htmlFor={id("kind")}>
        <span>Connector</span>
        <select
          id={id("kind")}
          className="input"
          value={kind}
          disabled={!props.canEdit}
          onChange={(event) => {
            // Another kind has other (strictly checked) settings: start from its own fields.
            setKind(event.target.value);
            setSettings(event.target.value === props.connector?.kind ? stored() : {});
          }}
        >
          {kindOptions.map((k) => (
            <option key={k} value={k}>
              {KINDS[k]?.label ?? k}
            </option>
          ))}
        </select>
      </label>
      {settingKeys.map((key) => (
        <label className="field" key={key} htmlFor={id(`setting-${key}`)}>
          <span>{key}</span>
          <input
            id={id(`setting-${key}`)}
            className="input"
            value={settings[key] ?? ""}
            disabled={!props.canEdit}
            onChange={(event) => setSettings({ ...settings, [key]: event.target.value })}
          />
        </label>
      ))}
      {fields.secrets.map((key) => (
        <label className="field" key={key} htmlFor={id(`secret-${key}`)}>
          <span>{key} (secret)</span>
          <input
            id={id(`secret-${key}`)}
            className="input"
            type="password"
            autoComplete="new-password"
            placeholder={props.connector?.hasSecrets ? "Stored — leave blank to keep" : "Not set"}
            value={secrets[key] ?? ""}
            disabled={!props.canEdit}
            onChange={(event) => setSecrets({ ...secrets, [key]: event.target.value })}
          />
        </label>
      ))}
      <label className="field" htmlFor={id("schedule")}>
        <span>Schedule (cron, instance time zone)</span>
        <input
          id={id("schedule")}
          className="input mono"
          placeholder="0 2 * * *"
          value={schedule}
          disabled={!props.canEdit}
          onChange={(event) => setSchedule(event.target.value)}
        />
      </label>
      {props.canEdit && (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={props.isSaving}>
            {props.isSaving ? "Saving…" : "Save connector"}
          </button>
        </div>
      )}
    </form>
  );
}
