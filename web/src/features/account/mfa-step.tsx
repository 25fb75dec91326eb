import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { Session } from "../../api/api-types.ts";
import { ErrorBanner } from "../common/status-views.tsx";

/** The second sign-in step: a code of the authenticator app, or a recovery code. */
export function MfaStep(props: {
  challenge: string;
  onSignedIn: (session: Session) => void;
  onExpired: () => void;
}) {
  const api = useApi();
  const [code, setCode] = useState("");
  const verify = useMutation({
    mutationFn: () =>
      api.request("POST /session/mfa", { body: { challenge: props.challenge, code: code.trim() } }),
    onSuccess: props.onSignedIn,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <main className="login-page">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="mfa-title">
        <div className="brand brand-large">orgmap</div>
        <h1 id="mfa-title">Enter your code</h1>
        <p>The 6-digit code of your authenticator app, or one of your recovery codes.</p>
        {verify.isError && <ErrorBanner error={verify.error} />}
        <label className="field">
          <span>Code</span>
          <input
            className="input"
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            required
            // biome-ignore lint/a11y/noAutofocus: the code field is the whole step
            autoFocus
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={verify.isPending}>
          {verify.isPending ? "Checking…" : "Verify"}
        </button>
        <button type="button" className="btn btn-block" onClick={props.onExpired}>
          Back to password
        </button>
      </form>
    </main>
  );
}
