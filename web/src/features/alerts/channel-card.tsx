import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { type AlertChannel, CHANNELS_KEY, deliveriesKey, draftOf, FORMAT_LABELS } from "./alert-types.ts";
import { patchBody } from "./channel-body.ts";
import { ChannelForm } from "./channel-form.tsx";
import { DeliveryLog } from "./delivery-log.tsx";

/** One channel: its settings, Send test with the answer, turn on again, change, remove, delivery log. */
export function ChannelCard({ channel }: { channel: AlertChannel }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [isEditing, setEditing] = useState(false);
  const [isRemoving, setRemoving] = useState(false);
  const [testTo, setTestTo] = useState("");
  const params = { id: channel.id };
  const refresh = () => queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
  const update = useMutation({
    mutationFn: (body: Parameters<typeof patchBody>[1] | { isEnabled: true }) =>
      api.request("PATCH /alert-channels/:id", {
        params,
        body: "isEnabled" in body ? body : patchBody(channel.kind, body),
      }),
    onSuccess: () => {
      setEditing(false);
      toast.success(`"${channel.name}" saved`);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.request("DELETE /alert-channels/:id", { params }),
    onSuccess: () => {
      toast.success(`"${channel.name}" removed`);
      void refresh();
    },
    onError: (error) => toast.error(error),
    onSettled: () => setRemoving(false),
  });
  const test = useMutation({
    mutationFn: () =>
      api.request("POST /alert-channels/:id/test", {
        params,
        body: channel.kind === "email" ? { to: testTo } : {},
      }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: deliveriesKey(channel.id) }),
  });
  const s = channel.settings as Record<string, unknown>;
  const titleId = `channel-${channel.id}`;
  return (
    <section className="card channel-card" aria-labelledby={titleId} data-channel-id={channel.id}>
      <div className="card-head">
        <h3 id={titleId}>{channel.name}</h3>
        <span className="badge">
          {channel.kind === "webhook" ? FORMAT_LABELS[channel.format] : "E-mail (SMTP)"}
        </span>
        {!channel.isEnabled && <span className="badge badge-warning">Disabled</span>}
      </div>
      <p className="muted">
        {channel.kind === "webhook"
          ? `${String(s.url)}${s.allowPrivate ? " (private address allowed)" : ""}`
          : `${String(s.host)}:${String(s.port)} (${String(s.tls)}), from ${String(s.from)}`}
      </p>
      {channel.kind === "webhook" && (
        <p className="muted">
          Failures in a row: {channel.consecutiveFailures} of {channel.maxFailures}
          {channel.disabledReason ? ` — disabled: ${channel.disabledReason}` : ""}
        </p>
      )}
      {update.isError && !isEditing && <ErrorBanner error={update.error} />}
      <div className="form-actions">
        {channel.kind === "email" && (
          <label className="field field-inline">
            <span>Send the test to</span>
            <input
              className="input"
              type="email"
              value={testTo}
              onChange={(e) => setTestTo(e.target.value)}
            />
          </label>
        )}
        <button type="button" className="btn" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? "Sending…" : "Send test"}
        </button>
        {!channel.isEnabled && (
          <button type="button" className="btn" onClick={() => update.mutate({ isEnabled: true })}>
            Turn on again
          </button>
        )}
        <button
          type="button"
          className="btn"
          onClick={() => setEditing(!isEditing)}
          aria-expanded={isEditing}
        >
          Change
        </button>
        <button type="button" className="btn btn-danger" onClick={() => setRemoving(true)}>
          Remove
        </button>
      </div>
      <div role="status" aria-live="polite">
        {test.isError && <ErrorBanner error={test.error} />}
        {test.data && (
          <p className={test.data.ok ? "success-text" : "error-text"} data-testid="test-result">
            {test.data.ok ? "Test delivered" : "Test failed"}
            {test.data.statusCode !== null ? ` — HTTP ${test.data.statusCode}` : ""} in{" "}
            {Math.round(test.data.durationMs)} ms{test.data.error ? `: ${test.data.error}` : ""}
          </p>
        )}
      </div>
      {isEditing && (
        <ChannelForm
          kind={channel.kind}
          initial={draftOf(channel)}
          isEdit
          submitLabel="Save changes"
          isBusy={update.isPending}
          error={update.error}
          onSubmit={(draft) => update.mutate(draft)}
          onCancel={() => setEditing(false)}
        />
      )}
      {channel.kind === "webhook" && (
        <details>
          <summary>Delivery log</summary>
          <DeliveryLog channelId={channel.id} />
        </details>
      )}
      {isRemoving && (
        <ConfirmDialog
          title={`Remove "${channel.name}"?`}
          confirmLabel="Remove"
          isBusy={remove.isPending}
          onCancel={() => setRemoving(false)}
          onConfirm={() => remove.mutate()}
        >
          Nothing more is sent to it, and its delivery log goes with it.
        </ConfirmDialog>
      )}
    </section>
  );
}
