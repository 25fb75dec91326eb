import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { Answer } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Connector } from "../../api/api-types.ts";
import type { ConnectorInput, PsaPatchInput } from "../../api/request-types.ts";
import { useSettings } from "../auth/session-hooks.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { ScheduleField } from "./schedule-field.tsx";

type ConnectorKinds = Answer<"GET /connector-kinds">;
type ConnectorKind = ConnectorKinds["items"][number];
type Role = ConnectorKind["role"];

/** The part of a JSON Schema (zod's toJSONSchema of the kind's settings or secrets) the form reads. */
interface FieldSchema {
  title?: string;
  description?: string;
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
}
interface ObjectSchema {
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

interface Field {
  name: string;
  schema: FieldSchema;
  required: boolean;
}

function fieldsOf(schema: unknown): Field[] {
  const object = (schema ?? {}) as ObjectSchema;
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, field]) => ({
    name,
    schema: field,
    required: required.has(name),
  }));
}

const isNumeric = (field: FieldSchema) => field.type === "integer" || field.type === "number";

/** The settings as the API expects them: numbers for numeric fields, blank fields left out (defaults apply). */
function typedSettings(fields: Field[], values: Record<string, string>): Record<string, string | number> {
  const numeric = new Set(fields.filter((f) => isNumeric(f.schema)).map((f) => f.name));
  const typed: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value.trim() === "") continue;
    typed[key] = numeric.has(key) && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  }
  return typed;
}

/** The connector kinds of a role, with their schemas (GET /connector-kinds, the same for the whole session). */
function useConnectorKinds(role: Role) {
  const api = useApi();
  return useQuery({
    queryKey: ["connector-kinds"],
    queryFn: () => api.request("GET /connector-kinds"),
    staleTime: Number.POSITIVE_INFINITY,
    select: (data) => data.items.filter((kind) => kind.role === role),
  });
}

/** The body of PATCH /psa and the connector part of PATCH /modules/{key} (server: PsaPatchBody). */
export type ConnectorChange = PsaPatchInput & { connector: ConnectorInput };

interface ConnectorFormProps {
  idPrefix: string;
  /** The module being configured (Test connection uses its stored credentials); none for the PSA or a new module. */
  moduleKey?: string;
  /** Which kinds to offer: a module's connectors or the PSA's. */
  connectorRole: Role;
  connector: Connector | null;
  schedule: unknown;
  canEdit: boolean;
  isSaving: boolean;
  onSave(change: ConnectorChange): void;
}

function scheduleText(schedule: unknown): string {
  if (schedule == null) return "";
  return typeof schedule === "string" ? schedule : JSON.stringify(schedule);
}

/** Connector settings and schedule, rendered from the kind's JSON Schemas. Secrets are write-only: blank keeps the stored ones. */
export function ConnectorForm(props: ConnectorFormProps) {
  const kinds = useConnectorKinds(props.connectorRole);
  if (kinds.isPending) return <Loading label="Loading connector kinds…" />;
  if (kinds.isError) return <ErrorBanner error={kinds.error} onRetry={() => void kinds.refetch()} />;
  return <ConnectorFields {...props} kinds={kinds.data} />;
}

function ConnectorFields(props: ConnectorFormProps & { kinds: ConnectorKind[] }) {
  const [kind, setKind] = useState(props.connector?.kind ?? props.kinds[0]?.kind ?? "");
  const stored = () =>
    Object.fromEntries(Object.entries(props.connector?.settings ?? {}).map(([k, v]) => [k, String(v ?? "")]));
  const [settings, setSettings] = useState<Record<string, string>>(stored);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [schedule, setSchedule] = useState(scheduleText(props.schedule));
  const definition = props.kinds.find((k) => k.kind === kind);
  // A kind this server no longer knows still shows its stored settings, as text.
  const settingFields = definition
    ? fieldsOf(definition.settings)
    : Object.keys(settings).map((name) => ({ name, schema: {}, required: false }));
  // Stored secrets belong to the stored kind: another kind starts without any.
  const hasStoredSecrets = kind === props.connector?.kind && props.connector.hasSecrets;
  const secretFields = (definition ? fieldsOf(definition.secrets) : []).map((field) => ({
    ...field,
    required: field.required && !hasStoredSecrets,
  }));
  const id = (name: string) => `${props.idPrefix}-${name}`;
  const timeZone = useSettings().data?.timeZone;
  const api = useApi();
  const test = useMutation({
    mutationFn: () => {
      const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ""));
      return api.request("POST /connector-test", {
        body: {
          target: props.connectorRole,
          ...(props.moduleKey ? { moduleKey: props.moduleKey } : {}),
          connector: {
            kind,
            settings: typedSettings(settingFields, settings),
            ...(Object.keys(filled).length ? { secrets: filled } : {}),
          },
        },
      });
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ""));
    props.onSave({
      connector: {
        kind,
        settings: typedSettings(settingFields, settings),
        ...(Object.keys(filled).length ? { secrets: filled } : {}),
      },
      // A blank schedule keeps the stored one (the server has no "no schedule" value).
      ...(schedule.trim() ? { schedule: schedule.trim() } : {}),
    });
    setSecrets({});
  };

  return (
    <form className="form form-grid" onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor={id("kind")}>
          <span>Connector</span>
        </label>
        <select
          id={id("kind")}
          className="input"
          value={kind}
          disabled={!props.canEdit}
          onChange={(event) => {
            // Another kind has other (strictly checked) settings: start from its own fields.
            setKind(event.target.value);
            setSettings(event.target.value === props.connector?.kind ? stored() : {});
            setSecrets({});
          }}
        >
          {!definition && <option value={kind}>{kind}</option>}
          {props.kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      {settingFields.map((field) => (
        <SchemaField
          key={field.name}
          id={id(`setting-${field.name}`)}
          field={field}
          value={settings[field.name] ?? ""}
          disabled={!props.canEdit}
          onChange={(value) => setSettings({ ...settings, [field.name]: value })}
        />
      ))}
      {secretFields.map((field) => (
        <SchemaField
          key={field.name}
          id={id(`secret-${field.name}`)}
          field={field}
          secret
          placeholder={hasStoredSecrets ? "Stored — leave blank to keep" : "Not set"}
          value={secrets[field.name] ?? ""}
          disabled={!props.canEdit}
          onChange={(value) => setSecrets({ ...secrets, [field.name]: value })}
        />
      ))}
      <ScheduleField
        id={id("schedule")}
        value={schedule}
        timeZone={timeZone}
        disabled={!props.canEdit}
        onChange={setSchedule}
      />
      {props.canEdit && (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={props.isSaving}>
            {props.isSaving ? "Saving…" : "Save connector"}
          </button>
          <button type="button" className="btn" disabled={test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
        </div>
      )}
      {test.data && (
        <div className={`banner ${test.data.ok ? "banner-success" : "banner-error"}`} role="status">
          {test.data.message}
          {test.data.sampleNames.length > 0 && ` For example: ${test.data.sampleNames.join(", ")}.`}
        </div>
      )}
      {test.isError && <ErrorBanner error={test.error} />}
    </form>
  );
}

interface SchemaFieldProps {
  id: string;
  field: Field;
  value: string;
  disabled: boolean;
  secret?: boolean;
  placeholder?: string;
  onChange(value: string): void;
}

/** One labelled field: a select for an enum, a number input for numbers, a password input for a secret. */
function SchemaField({ id, field, value, disabled, secret, placeholder, onChange }: SchemaFieldProps) {
  const { schema } = field;
  const hint = schema.description ? `${id}-hint` : undefined;
  const fallback = schema.default === undefined ? undefined : String(schema.default);
  const common = {
    id,
    className: "input",
    value,
    disabled,
    required: field.required,
    "aria-describedby": hint,
  };
  let control: React.ReactNode;
  if (schema.enum) {
    control = (
      <select {...common} onChange={(event) => onChange(event.target.value)}>
        {!field.required && (
          <option value="">{fallback === undefined ? "Default" : `Default (${fallback})`}</option>
        )}
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option) === "\t" ? "Tab" : String(option)}
          </option>
        ))}
      </select>
    );
  } else if (secret) {
    control = (
      <input
        {...common}
        type="password"
        autoComplete="new-password"
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type={isNumeric(schema) ? "number" : "text"}
        min={schema.minimum}
        max={schema.maximum}
        placeholder={fallback}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>
          {schema.title ?? field.name}
          {field.required ? " *" : ""}
        </span>
      </label>
      {control}
      {hint && (
        <small id={hint} className="muted small">
          {schema.description}
        </small>
      )}
    </div>
  );
}
