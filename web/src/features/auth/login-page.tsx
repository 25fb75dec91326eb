import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { Session } from "../../api/api-types.ts";
import type { LoginInput } from "../../api/request-types.ts";
import { MfaStep } from "../account/mfa-step.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { LOGIN_NOTICE_KEY, SESSION_KEY } from "./session-hooks.ts";

export function LoginPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [notice] = useState(() => queryClient.getQueryData<string>(LOGIN_NOTICE_KEY) ?? null);
  // With MFA on, the password step answers a challenge; the code step (mfa-step.tsx) completes it.
  const [challenge, setChallenge] = useState<string | null>(null);
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
        {login.isError && <ErrorBanner error={login.error} />}
        <label className="field">
          <span>Username</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            required
            // biome-ignore lint/a11y/noAutofocus: the login form is the whole page
            autoFocus
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
        <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
