import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.tsx";
import { invalidateMappingData } from "../mapping/mapping-queries.ts";
import { useToast } from "./toast.tsx";

/** Undoes one audit step (its every change, through the server's rules) and says what happened. */
export function useUndoStep() {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (vars: { stepId: string; what: string; redo?: boolean }) =>
      api.request("POST /audit-events/steps/:stepId/undo", { params: { stepId: vars.stepId } }),
    onSuccess: (answer, vars) => {
      const n = answer.changes;
      toast.success(
        `${vars.redo ? "Redone" : "Undone"}: ${vars.what} (${n.toLocaleString()} change${n === 1 ? "" : "s"})`,
      );
      invalidateMappingData(queryClient);
      void queryClient.invalidateQueries({ queryKey: ["audit-steps"] });
      void queryClient.invalidateQueries({ queryKey: ["settings"] });
    },
    onError: (error) => toast.error(error),
  });
}

/**
 * The toast after a change: its text and, when the change recorded a step, an Undo button that
 * takes that step back (issue 13 point 3).
 */
export function useChangeToast() {
  const toast = useToast();
  const undo = useUndoStep();
  return (text: string, stepId: string | null | undefined) => {
    if (!stepId) {
      toast.success(text);
      return;
    }
    toast.success(text, { label: "Undo", run: () => undo.mutate({ stepId, what: text }) });
  };
}
