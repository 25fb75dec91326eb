import { useBlocker, useRouter } from "@tanstack/react-router";
import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/**
 * An anchor to an app URL built as text (`/mapping?tab=module-organizations&status=unmapped`): plain
 * clicks navigate in-app through the router (which validates the search params like any other
 * navigation); middle-click and "open in new tab" get the real href.
 */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const router = useRouter();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    void router.navigate({ href: to });
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

/**
 * Asks before leaving the page (a link, Back, another URL) while `when` is true, and lets the
 * browser ask before the tab closes or reloads.
 */
export function LeaveGuard({ when, message }: { when: boolean; message: string }) {
  const blocker = useBlocker({
    shouldBlockFn: () => when,
    enableBeforeUnload: () => when,
    withResolver: true,
  });
  if (blocker.status !== "blocked") return null;
  return (
    <ConfirmDialog
      title="Leave this page?"
      confirmLabel="Leave"
      onCancel={blocker.reset}
      onConfirm={blocker.proceed}
    >
      {message}
    </ConfirmDialog>
  );
}
