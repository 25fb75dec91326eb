import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toDataURL } from "qrcode";
import { type FormEvent, useEffect, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { ErrorBanner, Loading } from "../common/status-views.tsx";

const MFA_KEY = ["me", "mfa"] as const;

/** Turn on an authenticator app: scan the QR code, confirm with a first code, keep the recovery codes. */
export function MfaPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: MFA_KEY, queryFn: () => api.request("GET /me/mfa") });
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  useEffect(() => {
    if (enrolment) void toDataURL(enrolment.uri, { margin: 1, width: 220 }).then(setQr);
  }, [enrolment]);
  const start = useMutation({
    mutationFn: () => api.request("POST /me/mfa/totp"),
    onSuccess: setEnrolment,
  });
  const confirm = useMutation({
    mutationFn: () => api.request("POST /me/mfa/totp/confirm", { body: { code: code.trim() } }),
    onSuccess: (answer) => {
      setRecoveryCodes(answer.recoveryCodes);
      setEnrolment(null);
      void queryClient.invalidateQueries({ queryKey: MFA_KEY });
      void queryClient.invalidateQueries({ queryKey: ["session"] });
    },
  });
  // With MFA on: a current code renews the recovery codes or turns MFA off.
  const [manageCode, setManageCode] = useState("");
  const renew = useMutation({
    mutationFn: () => api.request("POST /me/mfa/recovery-codes", { body: { code: manageCode.trim() } }),
    onSuccess: (answer) => {
      setRecoveryCodes(answer.recoveryCodes);
      setManageCode("");
      void queryClient.invalidateQueries({ queryKey: MFA_KEY });
    },
  });
  const disable = useMutation({
    mutationFn: () => api.request("POST /me/mfa/disable", { body: { code: manageCode.trim() } }),
    onSuccess: () => {
      setRecoveryCodes(null);
      setManageCode("");
      void queryClient.invalidateQueries({ queryKey: MFA_KEY });
    },
  });
  const onConfirm = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>Two-step sign-in (MFA)</h1>
      </div>
      {status.isPending && <Loading />}
      {status.isError && <ErrorBanner error={status.error} onRetry={() => void status.refetch()} />}
      {recoveryCodes && (
        <section className="card" aria-label="Recovery codes">
          <h2>Your recovery codes</h2>
          <p>Each signs in once in place of a code. Keep them somewhere safe: they are not shown again.</p>
          <ul data-testid="recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {status.data && (
        <section className="card">
          <p data-testid="mfa-status">
            {status.data.enabled
              ? `MFA is on (${status.data.recoveryCodesLeft} recovery codes left).`
              : status.data.required
                ? "Admins must use MFA on this instance: turn it on to continue."
                : "MFA is off."}
          </p>
          {!status.data.enabled && !enrolment && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => start.mutate()}
              disabled={start.isPending}
            >
              Set up an authenticator app
            </button>
          )}
          {status.data.enabled && (
            <form className="form" aria-label="Manage MFA" onSubmit={(event) => event.preventDefault()}>
              <label className="field">
                <span>
                  A current code from the app
                  {status.data.required ? "" : " (or a recovery code to turn MFA off)"}
                </span>
                <input
                  className="input"
                  name="manageCode"
                  autoComplete="one-time-code"
                  required
                  value={manageCode}
                  onChange={(event) => setManageCode(event.target.value)}
                />
              </label>
              {renew.isError && <ErrorBanner error={renew.error} />}
              {disable.isError && <ErrorBanner error={disable.error} />}
              <div className="dialog-actions">
                <button
                  type="button"
                  className="btn"
                  disabled={!manageCode.trim() || renew.isPending}
                  onClick={() => renew.mutate()}
                >
                  New recovery codes
                </button>
                <button
                  type="button"
                  className="btn"
                  disabled={!manageCode.trim() || disable.isPending || status.data.required}
                  title={status.data.required ? "MFA is required for admins on this instance" : undefined}
                  onClick={() => disable.mutate()}
                >
                  Turn MFA off
                </button>
              </div>
            </form>
          )}
          {start.isError && <ErrorBanner error={start.error} />}
          {enrolment && (
            <form className="form" onSubmit={onConfirm}>
              <p>Scan this code with your authenticator app, or type the key in.</p>
              {qr && <img src={qr} alt="QR code for your authenticator app" width={220} height={220} />}
              <p>
                Key: <code data-testid="totp-secret">{enrolment.secret}</code>
              </p>
              {confirm.isError && <ErrorBanner error={confirm.error} />}
              <label className="field">
                <span>Code from the app</span>
                <input
                  className="input"
                  name="code"
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  required
                  value={code}
                  onChange={(event) => setCode(event.target.value)}
                />
              </label>
              <button type="submit" className="btn btn-primary" disabled={confirm.isPending}>
                Turn on
              </button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
