import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { Session } from "../../api/api-types.ts";
import type { LoginInput } from "../../api/request-types.ts";
import { MfaStep } from "../account/mfa-step.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { LOGIN_NOTICE_KEY, SESSION_KEY } from "./session-hooks.ts";

/** Why a single sign-on came back refused (`/login?sso=<reason>`, src/services/oidc/oidc.service.ts). */
const SSO_REFUSALS: Record<string, string> = {
  not_configured: "Single sign-on is not set up on this instance.",
  expired: "The single sign-on took too long or was started in another browser. Try again.",
  provider_error: "The identity provider cannot be reached. Try again later, or ask an admin.",
  rejected: "The identity provider's answer was refused. Try again; if it happens again, ask an admin.",
  no_verified_email: "The identity provider did not send a verified e-mail address for you.",
  domain_not_allowed: "Your e-mail domain may not sign in to this instance.",
  user_disabled: "Your orgmap user is disabled. Ask an admin.",
  username_taken: "A user with your e-mail address as name but another e-mail exists. Ask an admin.",
};

function ssoRefusal(): string | null {
  const reason = new URLSearchParams(window.location.search).get("sso");
  if (reason === null) return null;
  return SSO_REFUSALS[reason] ?? "Single sign-on failed. Try again.";
}

export function LoginPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [notice] = useState(() => queryClient.getQueryData<string>(LOGIN_NOTICE_KEY) ?? null);
  // With MFA on, the password step answers a challenge; the code step (mfa-step.tsx) completes it.
  const [challenge, setChallenge] = useState<string | null>(null);
  const [refusal] = useState(ssoRefusal);
  const sso = useQuery({ queryKey: ["sso"], queryFn: () => api.request("GET /sso"), retry: false });
  const provider = sso.data?.provider ?? null;
  // With password sign-in off, the form is only for the break-glass admin: folded away.
  const passwordForEveryone = sso.data?.passwordLoginEnabled !== false;
  const signedIn = (session: Session) => {
    api.setCsrfToken(session.csrfToken);
    queryClient.removeQueries({ queryKey: LOGIN_NOTICE_KEY });
    queryClient.setQueryData<Session>(SESSION_KEY, session);
  };
  const login = useMutation({
    mutationFn: () =>
      api.request("POST /session", { body: { username: username.trim(), password } satisfies LoginInput }),
    onSuccess: (answer) => {
      if ("mfaRequired" in answer) setChallenge(answer.challenge);
      else signedIn(answer);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  if (challenge !== null)
    return <MfaStep challenge={challenge} onSignedIn={signedIn} onExpired={() => setChallenge(null)} />;
  const passwordFields = (
    <>
      {login.isError && <ErrorBanner error={login.error} />}
      <label className="field">
        <span>Username</span>
        <input
          className="input"
          name="username"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: the login form is the whole page
          autoFocus={passwordForEveryone}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          className="input"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      <button
        type="submit"
        className={`btn btn-block ${provider && passwordForEveryone ? "" : "btn-primary"}`}
        disabled={login.isPending}
      >
        {login.isPending ? "Signing in…" : "Sign in"}
      </button>
    </>
  );
  return (
    <main className="login-page">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title">
        <div className="brand brand-large">orgmap</div>
        <h1 id="login-title">Sign in</h1>
        {notice && !login.isError && (
          <div className="banner banner-ok" role="status">
            {notice}
          </div>
        )}
        {refusal && (
          <div className="banner banner-error" role="alert">
            {refusal}
          </div>
        )}
        {provider && (
          <>
            {/* A plain link: the browser goes to the identity provider and comes back signed in. */}
            <a className="btn btn-primary btn-block" href="/auth/oidc/start" data-testid="sso-link">
              Sign in with {provider.displayName}
            </a>
            {passwordForEveryone && <p className="login-or">or with a password</p>}
          </>
        )}
        {passwordForEveryone ? (
          passwordFields
        ) : (
          <details className="login-break-glass">
            <summary>Break-glass admin: sign in with a password</summary>
            {passwordFields}
          </details>
        )}
      </form>
    </main>
  );
}
