import { type InputHTMLAttributes, type ReactNode, useId } from "react";

/** What a field hands its control: the id its label points at, and what describes it. */
export interface FieldControlProps {
  id: string;
  "aria-describedby": string | undefined;
  "aria-invalid": true | undefined;
}

interface FieldProps {
  label: ReactNode;
  /** A sentence under the control, read out with it (aria-describedby). */
  help?: ReactNode;
  /** What is wrong with the value; marks the control invalid and is read out with it. */
  error?: ReactNode;
  /** Label beside the control instead of above it. */
  isInline?: boolean;
  className?: string;
  children(control: FieldControlProps): ReactNode;
}

/**
 * The one labelled-field markup of the admin forms: a label tied to its control, help text and an
 * error tied to it by aria-describedby. Any control: `{(control) => <select {...control} … />}`.
 */
export function Field({ label, help, error, isInline, className, children }: FieldProps) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={["field", isInline ? "field-inline" : "", className ?? ""].filter(Boolean).join(" ")}>
      <label htmlFor={id}>
        <span>{label}</span>
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {help && (
        <small id={helpId} className="field-help">
          {help}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "children"> &
  Pick<FieldProps, "label" | "help" | "error" | "isInline">;

/** A labelled text input (any `type`), with optional help text and error. */
export function TextField({ label, help, error, isInline, className, ...input }: TextFieldProps) {
  return (
    <Field label={label} help={help} error={error} isInline={isInline}>
      {(control) => <input className={className ?? "input"} {...input} {...control} />}
    </Field>
  );
}
