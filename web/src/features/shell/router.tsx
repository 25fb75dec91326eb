import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { ConfirmDialog } from "../common/confirm-dialog.tsx";

interface Location {
  pathname: string;
  search: string;
}

interface RouterValue {
  location: Location;
  navigate(to: string, options?: { replace?: boolean }): void;
  /** Registers a guard asked before leaving the page; returns the unregister function. */
  block(message: string): () => void;
}

const RouterContext = createContext<RouterValue | null>(null);

function currentLocation(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

/** A small history-API router: enough for six pages, with a "leave with unsaved changes?" guard. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(currentLocation);
  const blockers = useRef<string[]>([]);
  const [pending, setPending] = useState<{ message: string; go: () => void } | null>(null);

  const go = useCallback((to: string, replace: boolean) => {
    if (replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
    setLocation(currentLocation());
    window.scrollTo(0, 0);
  }, []);

  const navigate = useCallback(
    (to: string, options: { replace?: boolean } = {}) => {
      const message = blockers.current.at(-1);
      if (message) setPending({ message, go: () => go(to, options.replace ?? false) });
      else go(to, options.replace ?? false);
    },
    [go],
  );

  useEffect(() => {
    let shown = currentLocation();
    const onPop = () => {
      const message = blockers.current.at(-1);
      if (message) {
        const target = `${window.location.pathname}${window.location.search}`;
        window.history.pushState(null, "", `${shown.pathname}${shown.search}`);
        setPending({ message, go: () => go(target, false) });
        return;
      }
      shown = currentLocation();
      setLocation(shown);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [go]);

  const block = useCallback((message: string) => {
    blockers.current.push(message);
    return () => {
      blockers.current = blockers.current.filter((m) => m !== message);
    };
  }, []);

  const value = useMemo(() => ({ location, navigate, block }), [location, navigate, block]);
  return (
    <RouterContext.Provider value={value}>
      {children}
      {pending && (
        <ConfirmDialog
          title="Leave this page?"
          confirmLabel="Leave"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const next = pending.go;
            blockers.current = [];
            setPending(null);
            next();
          }}
        >
          {pending.message}
        </ConfirmDialog>
      )}
    </RouterContext.Provider>
  );
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error("useRouter outside RouterProvider");
  return value;
}

/** The current query string as a read-only map. */
export function useSearchParams(): URLSearchParams {
  const { location } = useRouter();
  return useMemo(() => new URLSearchParams(location.search), [location.search]);
}

/** Asks before in-app navigation and before closing the tab while `when` is true. */
export function useLeaveGuard(when: boolean, message: string) {
  const { block } = useRouter();
  useEffect(() => {
    if (!when) return;
    const unblock = block(message);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      unblock();
      window.removeEventListener("beforeunload", onBeforeUnload);
    };
  }, [when, message, block]);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An anchor that navigates in-app (plain clicks) and still works with middle-click / new tab. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
