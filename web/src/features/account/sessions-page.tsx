import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSession, useSettings } from "../auth/session-hooks.ts";
import { formatDateTime } from "../common/format.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";

const MINE_KEY = ["sessions", "mine"] as const;
const ALL_KEY = ["sessions", "all"] as const;

/**
 * Where you are signed in (browser, address, opened, last seen), with a button to end each session;
 * admins also see every user's sessions and may end any of them.
 */
export function SessionsPage() {
  const { isAdmin } = useSession();
  return (
    <div className="page">
      <div className="page-head">
        <h1>Sessions</h1>
      </div>
      <SessionTable scope="mine" />
      {isAdmin && <SessionTable scope="all" />}
    </div>
  );
}

function SessionTable({ scope }: { scope: "mine" | "all" }) {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const timeZone = useSettings().data?.timeZone;
  const sessions = useQuery({
    queryKey: scope === "mine" ? MINE_KEY : ALL_KEY,
    queryFn: () => api.request(scope === "mine" ? "GET /me/sessions" : "GET /sessions"),
  });
  const end = useMutation({
    mutationFn: (id: string) =>
      scope === "mine"
        ? api.request("DELETE /me/sessions/:id", { params: { id } })
        : api.request("DELETE /sessions/:id", { params: { id } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
      toast.success("Session ended");
    },
  });
  const title = scope === "mine" ? "Your sessions" : "Everyone's sessions";
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {sessions.isPending && <Loading />}
      {sessions.isError && <ErrorBanner error={sessions.error} onRetry={() => void sessions.refetch()} />}
      {end.isError && <ErrorBanner error={end.error} />}
      {sessions.data && sessions.data.items.length === 0 && <EmptyState>No open sessions.</EmptyState>}
      {sessions.data && sessions.data.items.length > 0 && (
        <table className="table" data-testid={`sessions-${scope}`}>
          <thead>
            <tr>
              {scope === "all" && <th>User</th>}
              <th>Browser</th>
              <th>Address</th>
              <th>Signed in</th>
              <th>Last seen</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {sessions.data.items.map((session) => (
              <tr key={session.id}>
                {scope === "all" && <td>{session.username}</td>}
                <td>
                  {session.userAgent ?? "unknown"}
                  {session.isCurrent && <span className="badge"> this session</span>}
                </td>
                <td>{session.ip ?? "unknown"}</td>
                <td>{formatDateTime(session.createdAt, timeZone)}</td>
                <td>{formatDateTime(session.lastSeenAt, timeZone)}</td>
                <td>
                  {!session.isCurrent && (
                    <button
                      type="button"
                      className="button"
                      disabled={end.isPending}
                      onClick={() => end.mutate(session.id)}
                    >
                      End session
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
