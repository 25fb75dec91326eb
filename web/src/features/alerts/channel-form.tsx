import { type FormEvent, useState } from "react";
import { Field, TextField } from "../common/field.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { type ChannelDraft, FORMAT_LABELS, type SmtpTls, type WebhookFormat } from "./alert-types.ts";

interface ChannelFormProps {
  kind: "webhook" | "email";
  initial: ChannelDraft;
  /** Editing a stored channel: the password field sets a new one only when filled in. */
  isEdit: boolean;
  submitLabel: string;
  isBusy: boolean;
  error: unknown;
  onSubmit(draft: ChannelDraft): void;
  onCancel(): void;
}

/** The fields of a webhook (URL, format, private targets) or of the instance's SMTP server. */
export function ChannelForm(props: ChannelFormProps) {
  const [draft, setDraft] = useState(props.initial);
  const set = <K extends keyof ChannelDraft>(key: K, value: ChannelDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(draft);
  };
  return (
    <form
      className="card form"
      aria-label={props.kind === "webhook" ? "Webhook" : "E-mail server"}
      onSubmit={onSubmit}
    >
      {props.error ? <ErrorBanner error={props.error} /> : null}
      <TextField label="Name" required value={draft.name} onChange={(e) => set("name", e.target.value)} />
      {props.kind === "webhook" ? (
        <>
          <TextField
            label="URL"
            type="url"
            required
            placeholder="https://hooks.example.com/orgmap"
            value={draft.url}
            onChange={(e) => set("url", e.target.value)}
          />
          <Field label="Format">
            {(control) => (
              <select
                className="input"
                value={draft.format}
                onChange={(e) => set("format", e.target.value as WebhookFormat)}
                {...control}
              >
                {(Object.keys(FORMAT_LABELS) as WebhookFormat[]).map((format) => (
                  <option key={format} value={format}>
                    {FORMAT_LABELS[format]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label="Disable after this many failures in a row"
            type="number"
            min={1}
            max={1000}
            value={draft.maxFailures}
            onChange={(e) => set("maxFailures", e.target.value)}
          />
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={draft.allowPrivate}
              onChange={(e) => set("allowPrivate", e.target.checked)}
            />
            <span>Allow a private or loopback address (only for a receiver inside your network)</span>
          </label>
        </>
      ) : (
        <>
          <TextField
            label="SMTP host"
            required
            value={draft.host}
            onChange={(e) => set("host", e.target.value)}
          />
          <TextField
            label="Port"
            type="number"
            min={1}
            max={65535}
            value={draft.port}
            onChange={(e) => set("port", e.target.value)}
          />
          <Field label="Encryption">
            {(control) => (
              <select
                className="input"
                value={draft.tls}
                onChange={(e) => set("tls", e.target.value as SmtpTls)}
                {...control}
              >
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">None</option>
              </select>
            )}
          </Field>
          <TextField label="SMTP user" value={draft.user} onChange={(e) => set("user", e.target.value)} />
          <TextField
            label="SMTP password"
            type="password"
            autoComplete="new-password"
            placeholder={props.isEdit ? "unchanged" : ""}
            value={draft.password}
            onChange={(e) => set("password", e.target.value)}
          />
          <TextField
            label="From address"
            type="email"
            required
            value={draft.from}
            onChange={(e) => set("from", e.target.value)}
          />
        </>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={props.isBusy}>
          {props.isBusy ? "Saving…" : props.submitLabel}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
