import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "../../api/api-client.ts";
import { useApi } from "../../api/api-context.tsx";
import type { PasswordChangeInput } from "../../api/request-types.ts";
import { ErrorBanner } from "../common/status-views.tsx";
import { endLocalSession, LOGIN_NOTICE_KEY, MIN_PASSWORD_LENGTH } from "./session-hooks.ts";

type FieldName = "currentPassword" | "newPassword" | "confirmPassword";
type FieldErrors = Partial<Record<FieldName, string>>;

/** The server names `password` when its own length rule refuses the new one. */
function fieldOf(error: ApiError): FieldName | null {
  if (error.field === "currentPassword") return "currentPassword";
  if (error.field === "newPassword" || error.field === "password") return "newPassword";
  return null;
}

function check(draft: Record<FieldName, string>): FieldErrors {
  const errors: FieldErrors = {};
  if (!draft.currentPassword) errors.currentPassword = "Enter your current password";
  if (draft.newPassword.length < MIN_PASSWORD_LENGTH)
    errors.newPassword = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  else if (draft.newPassword === draft.currentPassword)
    errors.newPassword = "The new password must differ from the current one";
  if (draft.confirmPassword !== draft.newPassword) errors.confirmPassword = "The passwords do not match";
  return errors;
}

/**
 * PUT /me/password. A change ends every session of the user (this one too), so on success the app
 * forgets the session and shows the sign-in page with a note to sign in with the new password.
 */
export function ChangePasswordForm({ onCancel }: { onCancel?: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Record<FieldName, string>>({
    currentPassword: "",
    newPassword: "",
    confirmPassword: "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation({
    mutationFn: (body: PasswordChangeInput) => api.request("PUT /me/password", { body }),
    onSuccess: () => {
      endLocalSession(api, queryClient);
      queryClient.setQueryData(LOGIN_NOTICE_KEY, "Password changed. Sign in with your new password.");
      void navigate({ to: "/", replace: true });
    },
    onError: (error) => {
      const field = error instanceof ApiError && error.status === 422 ? fieldOf(error) : null;
      if (field) setErrors({ [field]: error.message });
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = check(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    change.mutate({ currentPassword: draft.currentPassword, newPassword: draft.newPassword });
  };
  const set = (name: FieldName) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const isFieldError = change.error instanceof ApiError && fieldOf(change.error) !== null;
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Change password">
      {change.isError && !isFieldError && <ErrorBanner error={change.error} />}
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        value={draft.currentPassword}
        error={errors.currentPassword}
        onChange={set("currentPassword")}
      />
      <PasswordField
        label="New password"
        name="newPassword"
        autoComplete="new-password"
        value={draft.newPassword}
        error={errors.newPassword}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        onChange={set("newPassword")}
      />
      <PasswordField
        label="Repeat the new password"
        name="confirmPassword"
        autoComplete="new-password"
        value={draft.confirmPassword}
        error={errors.confirmPassword}
        onChange={set("confirmPassword")}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

interface PasswordFieldProps {
  label: string;
  name: FieldName;
  autoComplete: string;
  value: string;
  error: string | undefined;
  hint?: string;
  onChange(value: string): void;
}

function PasswordField(props: PasswordFieldProps) {
  const id = useId();
  const describedBy = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{props.label}</span>
      </label>
      <input
        id={id}
        className="input"
        type="password"
        name={props.name}
        autoComplete={props.autoComplete}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.error ? (
        <small id={`${id}-error`} className="field-error" role="alert">
          {props.error}
        </small>
      ) : (
        props.hint && (
          <small id={`${id}-hint`} className="muted">
            {props.hint}
          </small>
        )
      )}
    </div>
  );
}
