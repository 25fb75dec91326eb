import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { actorName } from "../../../../src/domain/history-words.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Role } from "../../api/api-types.ts";
import { useSettings } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { TextField } from "../common/field.tsx";
import { formatDateTime } from "../common/format.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { OnceDialog } from "./once-dialog.tsx";
import { RoleField } from "./role-field.tsx";

/** API tokens: create (shown once), revoke, and when each was last used. */
export function TokensSection() {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const timeZone = useSettings().data?.timeZone;
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: () => api.request("GET /tokens") });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["tokens"] });
  const create = useMutation({
    mutationFn: () => api.request("POST /tokens", { body: { name: name.trim(), role } }),
    onSuccess: (answer) => {
      setCreated(answer);
      setName("");
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.request("DELETE /tokens/:id", { params: { id } }),
    onSuccess: () => {
      toast.success("Token revoked");
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {tokens.isPending && <Loading />}
      {tokens.isError && <ErrorBanner error={tokens.error} onRetry={() => void tokens.refetch()} />}
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">No API token yet.</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created by</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((token) => (
              <tr key={token.id} data-token-name={token.name}>
                <th scope="row">{token.name}</th>
                <td>{token.role}</td>
                <td>
                  {actorName(token.createdBy)}, {formatDateTime(token.createdAt, timeZone)}
                </td>
                <td className="nowrap">
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt, timeZone) : "Never"}
                </td>
                <td className="nowrap">
                  {token.revokedAt ? (
                    `Revoked ${formatDateTime(token.revokedAt, timeZone)}`
                  ) : (
                    <button type="button" className="btn btn-small" onClick={() => setRevoking(token)}>
                      Revoke {token.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form form-grid" onSubmit={onCreate} aria-labelledby="add-token-title">
        <h3 id="add-token-title">Create an API token</h3>
        <TextField
          label="Name"
          help={`What uses it, e.g. "billing export".`}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <RoleField value={role} onChange={setRole} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            Create token
          </button>
        </div>
        {create.isError && <ErrorBanner error={create.error} />}
      </form>
      {revoking && (
        <ConfirmDialog
          title={`Revoke the token ${revoking.name}?`}
          confirmLabel="Revoke"
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            revoke.mutate(revoking.id);
            setRevoking(null);
          }}
        >
          <p>Whatever uses it stops working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {created && (
        <OnceDialog
          title={`Token ${created.name} created`}
          secret={created.token}
          onClose={() => setCreated(null)}
        >
          <p>Copy the token now and store it where the tool that uses it reads it:</p>
        </OnceDialog>
      )}
    </section>
  );
}
