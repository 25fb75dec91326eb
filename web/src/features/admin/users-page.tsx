import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ROLES } from "../../../../src/domain/role.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Role, User } from "../../api/api-types.ts";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { TextField } from "../common/field.tsx";
import { formatDateTime } from "../common/format.ts";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { usePageTitle } from "../common/use-page-title.ts";
import { OnceDialog } from "./once-dialog.tsx";
import { RoleField } from "./role-field.tsx";
import { TokensSection } from "./tokens-section.tsx";

/** A password nobody sees: the new user gets a one-time one right after (reset), shown once. */
function throwawayPassword(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Users and API tokens (issue 13 point 6), admins only: what used to need the API or the CLI. */
export function UsersPage() {
  usePageTitle("Users and API tokens");
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const { user: me } = useSession();
  const timeZone = useSettings().data?.timeZone;
  const users = useQuery({ queryKey: ["users"], queryFn: () => api.request("GET /users") });
  const [once, setOnce] = useState<{ username: string; password: string; isNew: boolean } | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["users"] });
  const patch = useMutation({
    mutationFn: (vars: { user: User; role?: Role; isDisabled?: boolean; email?: string | null }) =>
      api.request("PATCH /users/:id", {
        params: { id: vars.user.id },
        body: {
          ...(vars.role ? { role: vars.role } : {}),
          ...(vars.isDisabled !== undefined ? { isDisabled: vars.isDisabled } : {}),
          ...(vars.email !== undefined ? { email: vars.email } : {}),
        },
      }),
    onSuccess: (user, vars) => {
      toast.success(
        vars.email !== undefined
          ? `${user.username}: ${user.email === null ? "no e-mail" : user.email}`
          : `${user.username}: ${user.role}${user.isDisabled ? ", disabled" : ""}`,
      );
      refresh();
    },
    onError: (error) => toast.error(error),
  });
  const reset = useMutation({
    mutationFn: (user: User) => api.request("POST /users/:id/password-reset", { params: { id: user.id } }),
    onSuccess: (answer) => setOnce({ ...answer, isNew: false }),
    onError: (error) => toast.error(error),
  });
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [email, setEmail] = useState("");
  const create = useMutation({
    mutationFn: async () => {
      const user = await api.request("POST /users", {
        body: {
          username: username.trim(),
          role,
          password: throwawayPassword(),
          ...(email.trim() ? { email: email.trim() } : {}),
        },
      });
      return api.request("POST /users/:id/password-reset", { params: { id: user.id } });
    },
    onSuccess: (answer) => {
      setOnce({ ...answer, isNew: true });
      setUsername("");
      setEmail("");
      refresh();
    },
  });
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>Users and API tokens</h1>
      </div>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        {users.isPending && <Loading />}
        {users.isError && <ErrorBanner error={users.error} onRetry={() => void users.refetch()} />}
        {users.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">E-mail</th>
                <th scope="col">Status</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <tr key={user.id} data-username={user.username}>
                  <th scope="row">{user.username}</th>
                  <td>
                    <select
                      className="input"
                      aria-label={`Role of ${user.username}`}
                      value={user.role}
                      disabled={patch.isPending}
                      onChange={(event) => patch.mutate({ user, role: event.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <EmailEditor
                      user={user}
                      isBusy={patch.isPending}
                      onSave={(next) => patch.mutate({ user, email: next })}
                    />
                  </td>
                  <td>{user.isDisabled ? <span className="badge badge-muted">Disabled</span> : "Active"}</td>
                  <td className="nowrap">{formatDateTime(user.createdAt, timeZone)}</td>
                  <td className="nowrap">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={patch.isPending}
                      onClick={() => patch.mutate({ user, isDisabled: !user.isDisabled })}
                    >
                      {user.isDisabled ? `Enable ${user.username}` : `Disable ${user.username}`}
                    </button>{" "}
                    {user.id !== me.id && (
                      <button type="button" className="btn btn-small" onClick={() => setResetting(user)}>
                        Reset password of {user.username}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form className="form form-grid" onSubmit={onCreate} aria-labelledby="add-user-title">
          <h3 id="add-user-title">Add a user</h3>
          <TextField
            label="Username"
            help="Letters, digits, . _ - @. A one-time password is shown once, to be changed at the first sign-in."
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <RoleField
            value={role}
            onChange={setRole}
            help="viewer reads; editor maps; admin also manages modules, users and tokens."
          />
          <TextField
            label="E-mail (optional)"
            help="Single sign-on signs this user in when the provider vouches for it."
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={create.isPending || !username.trim()}>
              Add user
            </button>
          </div>
          {create.isError && <ErrorBanner error={create.error} />}
        </form>
      </section>
      <TokensSection />
      {resetting && (
        <ConfirmDialog
          title={`Reset the password of ${resetting.username}?`}
          confirmLabel="Reset password"
          onCancel={() => setResetting(null)}
          onConfirm={() => {
            reset.mutate(resetting);
            setResetting(null);
          }}
        >
          <p>
            {resetting.username} is signed out everywhere and gets a one-time password, to be changed at the
            next sign-in.
          </p>
        </ConfirmDialog>
      )}
      {once && (
        <OnceDialog
          title={once.isNew ? `${once.username} added` : `New password of ${once.username}`}
          secret={once.password}
          onClose={() => setOnce(null)}
        >
          <p>Give {once.username} this one-time password by a channel you trust:</p>
        </OnceDialog>
      )}
    </div>
  );
}

/**
 * A user's e-mail address, edited in place: single sign-on signs the user in when the provider's
 * verified e-mail is this one (any case). Emptied and saved, it is removed.
 */
function EmailEditor(props: { user: User; isBusy: boolean; onSave: (email: string | null) => void }) {
  const { user } = props;
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className="nowrap">
        {user.email === null ? <span className="muted">None</span> : <span>{user.email}</span>}{" "}
        <button type="button" className="btn btn-small" onClick={() => setDraft(user.email ?? "")}>
          Edit e-mail of {user.username}
        </button>
      </span>
    );
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    props.onSave(draft.trim() === "" ? null : draft.trim());
    setDraft(null);
  };
  return (
    <form className="nowrap" onSubmit={onSubmit}>
      <input
        className="input"
        type="email"
        aria-label={`E-mail of ${user.username}`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />{" "}
      <button type="submit" className="btn btn-small" disabled={props.isBusy}>
        Save e-mail of {user.username}
      </button>{" "}
      <button type="button" className="btn btn-small" onClick={() => setDraft(null)}>
        Cancel
      </button>
    </form>
  );
}
