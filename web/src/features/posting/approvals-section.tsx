import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { useSession } from "../auth/session-hooks.ts";
import { EmptyState, ErrorBanner, Loading } from "../common/status-views.tsx";

/** Decreases held for an administrator (rule 16): approve lets the next run post that change. */
export function ApprovalsSection() {
  const api = useApi();
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  const approvals = useQuery({
    queryKey: ["posting", "approvals"],
    queryFn: () => api.request("GET /posting/approvals", { query: { state: "pending" } }),
  });
  const decide = useMutation({
    mutationFn: (input: { id: string; approve: boolean }) =>
      input.approve
        ? api.request("POST /posting/approvals/:id/approve", { params: { id: input.id } })
        : api.request("POST /posting/approvals/:id/reject", { params: { id: input.id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["posting", "approvals"] }),
  });
  return (
    <section className="card" aria-label="Approvals" id="approvals">
      <h2>Held for approval</h2>
      {approvals.isPending && <Loading />}
      {approvals.isError && <ErrorBanner error={approvals.error} onRetry={() => void approvals.refetch()} />}
      {decide.isError && <ErrorBanner error={decide.error} />}
      {approvals.data && approvals.data.items.length === 0 && (
        <EmptyState>No decrease is waiting.</EmptyState>
      )}
      {approvals.data && approvals.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Organization</th>
              <th>Service</th>
              <th>Period</th>
              <th>Units</th>
              <th>Why</th>
              {isAdmin && <th />}
            </tr>
          </thead>
          <tbody>
            {approvals.data.items.map((a) => (
              <tr key={a.id}>
                <td>{a.organizationName}</td>
                <td>{a.serviceName}</td>
                <td>{a.periodKey}</td>
                <td>
                  {a.unitsBefore} → {a.targetUnits}
                </td>
                <td className="muted">{a.reason}</td>
                {isAdmin && (
                  <td>
                    <button
                      type="button"
                      className="btn"
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ id: a.id, approve: true })}
                    >
                      Approve
                    </button>{" "}
                    <button
                      type="button"
                      className="btn"
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ id: a.id, approve: false })}
                    >
                      Reject
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
