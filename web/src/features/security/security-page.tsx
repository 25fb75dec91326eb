import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { ROLES } from "../../../../src/domain/role.ts";
import { useApi } from "../../api/api-context.tsx";
import type { Role, User } from "../../api/api-types.ts";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";
import { Field, TextField } from "../common/field.tsx";
import { ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";
import { usePageTitle } from "../common/use-page-title.ts";

const SSO_KEY = ["sso-settings"] as const;
const SECURITY_KEY = ["security-settings"] as const;

/**
 * Security, admins only (issue 11): single sign-on with an OpenID Connect provider, password
 * sign-in off but for a break-glass admin, MFA required for admins, and resetting a user's MFA.
 */
export function SecurityPage() {
  usePageTitle("Security");
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>Security</h1>
      </div>
      <SsoSection />
      <SignInSection />
      <MfaResetSection />
    </div>
  );
}

function SsoSection() {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: SSO_KEY, queryFn: () => api.request("GET /sso-settings") });
  const [form, setForm] = useState({
    enabled: true,
    issuerUrl: "",
    clientId: "",
    clientSecret: "",
    displayName: "",
    defaultRole: "viewer" as Role,
    allowedDomains: "",
  });
  useEffect(() => {
    const d = settings.data;
    if (!d?.configured) return;
    setForm({
      enabled: d.enabled,
      issuerUrl: d.issuerUrl ?? "",
      clientId: d.clientId ?? "",
      clientSecret: "",
      displayName: d.displayName ?? "",
      defaultRole: d.defaultRole,
      allowedDomains: d.allowedDomains.join(", "),
    });
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      api.request("PUT /sso-settings", {
        body: {
          enabled: form.enabled,
          issuerUrl: form.issuerUrl.trim(),
          clientId: form.clientId.trim(),
          // Left empty: the stored secret stays (the API drops it when the issuer or client id changes).
          ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
          displayName: form.displayName.trim(),
          defaultRole: form.defaultRole,
          allowedDomains: form.allowedDomains
            .split(/[\s,]+/)
            .map((d) => d.trim())
            .filter(Boolean),
        },
      }),
    onSuccess: (answer) => {
      queryClient.setQueryData(SSO_KEY, answer);
      void queryClient.invalidateQueries({ queryKey: ["sso"] });
      toast.success(`Single sign-on with ${answer.displayName} saved`);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: event.target.value }));
  return (
    <section className="card" aria-labelledby="sso-title">
      <h2 id="sso-title">Single sign-on (OpenID Connect)</h2>
      {settings.isPending && <Loading />}
      {settings.isError && <ErrorBanner error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && (
        <form className="form" onSubmit={onSubmit}>
          <p>
            Register this redirect URI at the provider:{" "}
            <code data-testid="sso-redirect-uri">{settings.data.redirectUri}</code>. For Microsoft Entra ID
            the issuer URL is <code>https://login.microsoftonline.com/&lt;tenant id&gt;/v2.0</code>. Users
            sign in with their verified e-mail address; orgmap's own MFA is not asked after single sign-on
            (the provider asks for it).
          </p>
          <TextField
            label="Issuer URL"
            name="issuerUrl"
            required
            value={form.issuerUrl}
            onChange={set("issuerUrl")}
          />
          <TextField
            label="Client id"
            name="clientId"
            required
            value={form.clientId}
            onChange={set("clientId")}
          />
          <TextField
            label="Client secret"
            name="clientSecret"
            type="password"
            autoComplete="off"
            placeholder={settings.data.hasClientSecret ? "stored (leave empty to keep it)" : ""}
            value={form.clientSecret}
            onChange={set("clientSecret")}
          />
          <TextField
            label="Button name"
            name="displayName"
            required
            placeholder="Microsoft"
            value={form.displayName}
            onChange={set("displayName")}
          />
          <Field label="Role of new users">
            {(control) => (
              <select
                className="input"
                name="defaultRole"
                value={form.defaultRole}
                onChange={set("defaultRole")}
                {...control}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label="Allowed e-mail domains (optional, comma-separated)"
            name="allowedDomains"
            placeholder="example.com"
            value={form.allowedDomains}
            onChange={set("allowedDomains")}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(event) => setForm((f) => ({ ...f, enabled: event.target.checked }))}
            />
            Offer single sign-on on the sign-in page
          </label>
          {save.isError && <ErrorBanner error={save.error} />}
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            Save single sign-on
          </button>
        </form>
      )}
    </section>
  );
}

function SignInSection() {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: SECURITY_KEY, queryFn: () => api.request("GET /security-settings") });
  const users = useQuery({ queryKey: ["users"], queryFn: () => api.request("GET /users") });
  const [breakGlass, setBreakGlass] = useState("");
  useEffect(() => {
    if (settings.data?.breakGlassUsername) setBreakGlass(settings.data.breakGlassUsername);
  }, [settings.data]);
  const patch = useMutation({
    mutationFn: (body: {
      mfaRequiredForAdmins?: boolean;
      passwordLoginEnabled?: boolean;
      breakGlassUsername?: string | null;
    }) => api.request("PATCH /security-settings", { body }),
    onSuccess: (answer) => {
      queryClient.setQueryData(SECURITY_KEY, answer);
      void queryClient.invalidateQueries({ queryKey: ["sso"] });
      toast.success("Security settings saved");
    },
  });
  const admins = (users.data?.items ?? []).filter((u: User) => u.role === "admin" && !u.isDisabled);
  return (
    <section className="card" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign-in rules</h2>
      {settings.isPending && <Loading />}
      {settings.isError && <ErrorBanner error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && (
        <div className="form">
          <label className="checkbox">
            <input
              type="checkbox"
              name="mfaRequiredForAdmins"
              checked={settings.data.mfaRequiredForAdmins}
              disabled={patch.isPending}
              onChange={(event) => patch.mutate({ mfaRequiredForAdmins: event.target.checked })}
            />
            Require MFA for admins
          </label>
          <p className="muted">
            An admin without MFA can then only set it up. Not asked after single sign-on: the provider asks.
          </p>
          <p data-testid="password-login-status">
            {settings.data.passwordLoginEnabled
              ? "Everyone may sign in with a password."
              : `Password sign-in is off: only the break-glass admin ${settings.data.breakGlassUsername} may use it.`}
          </p>
          <Field label="Break-glass admin (may still sign in with a password)">
            {(control) => (
              <select
                className="input"
                name="breakGlassUsername"
                value={breakGlass}
                onChange={(event) => setBreakGlass(event.target.value)}
                {...control}
              >
                <option value="">—</option>
                {admins.map((u: User) => (
                  <option key={u.id} value={u.username}>
                    {u.username}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {patch.isError && <ErrorBanner error={patch.error} />}
          {settings.data.passwordLoginEnabled ? (
            <button
              type="button"
              className="btn"
              disabled={patch.isPending}
              onClick={() =>
                patch.mutate({ passwordLoginEnabled: false, breakGlassUsername: breakGlass || null })
              }
            >
              Turn password sign-in off (single sign-on only)
            </button>
          ) : (
            <button
              type="button"
              className="btn"
              disabled={patch.isPending}
              onClick={() => patch.mutate({ passwordLoginEnabled: true })}
            >
              Turn password sign-in on for everyone
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function MfaResetSection() {
  const api = useApi();
  const toast = useToast();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api.request("GET /users") });
  const [userId, setUserId] = useState("");
  const [confirming, setConfirming] = useState<User | null>(null);
  const reset = useMutation({
    mutationFn: (user: User) => api.request("DELETE /users/:id/mfa", { params: { id: user.id } }),
    onSuccess: (_answer, user) => toast.success(`MFA of ${user.username} reset`),
  });
  const chosen = users.data?.items.find((u: User) => u.id === userId) ?? null;
  return (
    <section className="card" aria-labelledby="mfa-reset-title">
      <h2 id="mfa-reset-title">Reset a user's MFA</h2>
      <p>For a lost phone: their MFA is turned off and they are signed out; they set it up again.</p>
      <div className="form">
        <Field label="User">
          {(control) => (
            <select
              className="input"
              name="mfaResetUser"
              value={userId}
              onChange={(e) => setUserId(e.target.value)}
              {...control}
            >
              <option value="">—</option>
              {(users.data?.items ?? []).map((u: User) => (
                <option key={u.id} value={u.id}>
                  {u.username}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button
          type="button"
          className="btn"
          disabled={!chosen || reset.isPending}
          onClick={() => setConfirming(chosen)}
        >
          Reset MFA
        </button>
      </div>
      {reset.isError && <ErrorBanner error={reset.error} />}
      {confirming && (
        <ConfirmDialog
          title={`Reset the MFA of ${confirming.username}?`}
          confirmLabel="Reset MFA"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            reset.mutate(confirming);
            setConfirming(null);
          }}
        >
          <p>{confirming.username} is signed out everywhere and signs in next with the password alone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
