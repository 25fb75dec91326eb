import type { ReactNode } from "react";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";

/** Shows a secret once, with a copy button; gone when closed. */
export function OnceDialog(props: { title: string; secret: string; children: ReactNode; onClose(): void }) {
  return (
    <ConfirmDialog
      title={props.title}
      confirmLabel="Done"
      cancelLabel="Copy"
      onConfirm={props.onClose}
      onCancel={() => void navigator.clipboard?.writeText(props.secret)}
    >
      {props.children}
      <p>
        <code className="mono secret-once" data-testid="secret-once">
          {props.secret}
        </code>
      </p>
      <p className="muted">It is shown this once.</p>
    </ConfirmDialog>
  );
}
