import { useNavigate } from "@tanstack/react-router";
import { ChangePasswordForm } from "./change-password-form.tsx";
import { useSession, useSignOut } from "./session-hooks.ts";

/**
 * Shown instead of the app right after signing in with a generated password (`mustChangePassword`):
 * nothing else is reachable until the password is changed, or the user signs out.
 */
export function ForcedPasswordChangePage() {
  const { user } = useSession();
  const signOut = useSignOut();
  return (
    <main className="login-page">
      <section className="login-card login-card-wide" aria-labelledby="forced-password-title">
        <div className="brand brand-large">orgmap</div>
        <h1 id="forced-password-title">Choose a new password</h1>
        <p className="muted">
          {user.username}, you signed in with a generated password. Choose your own before you go on; you will
          then sign in again with it.
        </p>
        <ChangePasswordForm />
        <button type="button" className="btn btn-link" onClick={() => void signOut()}>
          Sign out instead
        </button>
      </section>
    </main>
  );
}

/** /account/password: the same form, reachable from the header's Account menu at any time. */
export function AccountPasswordPage() {
  const navigate = useNavigate();
  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>Change password</h1>
      </div>
      <div className="card">
        <p className="muted">
          Changing your password signs you out everywhere; sign in again with the new one.
        </p>
        <ChangePasswordForm onCancel={() => void navigate({ to: "/mapping" })} />
      </div>
    </div>
  );
}
