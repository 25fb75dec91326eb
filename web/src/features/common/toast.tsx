import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";
import { ApiError, errorMessage } from "../../api/api-client.ts";

interface Toast {
  id: number;
  tone: "success" | "error";
  text: string;
  action?: { label: string; run(): void };
}

interface ToastApi {
  /** A confirmation; with `action` (an Undo) it stays longer and offers the button. */
  success(text: string, action?: { label: string; run(): void }): void;
  /** Shows an API error; a version conflict offers "Reload" (the caller's refetch). */
  error(error: unknown, reload?: () => void): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Short-lived messages after writes ("Mapped …", "Changed by someone else — reload"). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (toast: Omit<Toast, "id">, ms: number) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      window.setTimeout(() => dismiss(id), ms);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({
      success: (text, action) => push({ tone: "success", text, action }, action ? 12000 : 4000),
      error: (error, reload) => {
        const isConflict = error instanceof ApiError && error.code === "version_conflict";
        push(
          {
            tone: "error",
            text: errorMessage(error),
            action: isConflict && reload ? { label: "Reload", run: reload } : undefined,
          },
          isConflict ? 15000 : 8000,
        );
      },
    }),
    [push],
  );
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.tone}`}
            role={toast.tone === "error" ? "alert" : "status"}
          >
            <span>{toast.text}</span>
            {toast.action && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  toast.action?.run();
                  dismiss(toast.id);
                }}
              >
                {toast.action.label}
              </button>
            )}
            <button
              type="button"
              className="toast-close"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast outside ToastProvider");
  return api;
}
