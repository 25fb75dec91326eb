import "./alerts.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { useSession } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { CHANNELS_KEY, type ChannelDraft, draftOf } from "./alert-types.ts";
import { createBody } from "./channel-body.ts";
import { ChannelCard } from "./channel-card.tsx";
import { ChannelForm } from "./channel-form.tsx";

/** Admins' page of alert channels: the instance's SMTP server and the webhooks. */
export function AlertsPage() {
  const api = useApi();
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState<"webhook" | "email" | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const channels = useQuery({
    queryKey: CHANNELS_KEY,
    queryFn: () => api.request("GET /alert-channels"),
    enabled: isAdmin,
  });
  const create = useMutation({
    mutationFn: ({ kind, draft }: { kind: "webhook" | "email"; draft: ChannelDraft }) =>
      api.request("POST /alert-channels", { body: createBody(kind, draft) }),
    onSuccess: (data) => {
      setAdding(null);
      if (data.secret) setSecret({ name: data.channel.name, value: data.secret });
      toast.success(`"${data.channel.name}" added`);
      void queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
    },
  });
  if (!isAdmin)
    return (
      <div className="page page-narrow">
        <h1>Alerts</h1>
        <p className="muted">Only administrators set up alert channels.</p>
      </div>
    );
  const hasEmail = channels.data?.items.some((c) => c.kind === "email") ?? false;
  const open = (kind: "webhook" | "email") => {
    create.reset();
    setAdding(kind);
  };
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>Alerts</h1>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={() => open("webhook")}>
            Add webhook
          </button>
          {!hasEmail && (
            <button type="button" className="btn" onClick={() => open("email")}>
              Set up e-mail
            </button>
          )}
        </div>
      </div>
      {secret && (
        <div className="banner banner-info" role="alert" aria-label="Signing secret">
          <p>
            The signing secret of "{secret.name}", shown this once: receivers check the{" "}
            <code>X-Orgmap-Signature</code> header with it.
          </p>
          <code data-testid="webhook-secret">{secret.value}</code>
          <button type="button" className="btn btn-small" onClick={() => setSecret(null)}>
            I have stored it
          </button>
        </div>
      )}
      {adding && (
        <ChannelForm
          key={adding}
          kind={adding}
          initial={draftOf()}
          isEdit={false}
          submitLabel={adding === "webhook" ? "Add webhook" : "Save e-mail server"}
          isBusy={create.isPending}
          error={create.error}
          onSubmit={(draft) => create.mutate({ kind: adding, draft })}
          onCancel={() => setAdding(null)}
        />
      )}
      {channels.isPending && <Loading />}
      {channels.isError && <ErrorBanner error={channels.error} onRetry={() => void channels.refetch()} />}
      {channels.data?.items.length === 0 && !adding && (
        <EmptyState>No channel yet: add a webhook or set up e-mail, then each user picks alerts.</EmptyState>
      )}
      {channels.data?.items.map((channel) => (
        <ChannelCard key={channel.id} channel={channel} />
      ))}
    </div>
  );
}
