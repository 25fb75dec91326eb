import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useCallback, useLayoutEffect, useRef, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { GridColumn } from "../../api/api-types.ts";
import type { PreferencesInput } from "../../api/request-types.ts";
import { Popover } from "../common/popover.tsx";
import { useToast } from "../common/toast.tsx";
import { useFocusTrap } from "../common/use-focus-trap.ts";

/**
 * Reorders the module columns of tab 1 with up/down buttons (a ready module's column cannot be hidden,
 * rule 4). Each move is saved at once as the user's preference.
 */
export function ColumnChooser({ columns }: { columns: GridColumn[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const toast = useToast();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  const [order, setOrder] = useState<GridColumn[] | null>(null);
  const preferences = useQuery({
    queryKey: ["preferences"],
    queryFn: () => api.request("GET /me/preferences"),
    enabled: isOpen,
  });
  const save = useMutation({
    mutationFn: (keys: string[]) => {
      const others = (preferences.data?.moduleColumnOrder ?? []).filter((key) => !keys.includes(key));
      return api.request("PUT /me/preferences", {
        body: { moduleColumnOrder: [...keys, ...others] } satisfies PreferencesInput,
      });
    },
    onSuccess: (data) => {
      queryClient.setQueryData(["preferences"], data);
      void queryClient.invalidateQueries({ queryKey: ["mapping-grid"] });
    },
    onError: (error) => {
      setOrder(null);
      toast.error(error);
    },
  });
  const shown = order ?? columns;
  // After a move, focus follows the moved column (its button in the same direction, or the other
  // one at the end of the list), so the keyboard user keeps their place and Escape still closes.
  const [focusAfterMove, setFocusAfterMove] = useState<{ key: string; up: boolean } | null>(null);
  const move = (index: number, delta: number) => {
    if (save.isPending) return;
    const next = [...shown];
    const [item] = next.splice(index, 1);
    if (!item) return;
    next.splice(index + delta, 0, item);
    setOrder(next);
    setFocusAfterMove({ key: item.moduleKey, up: delta < 0 });
    save.mutate(next.map((c) => c.moduleKey));
  };
  const close = useCallback(() => {
    setIsOpen(false);
    setOrder(null);
    buttonRef.current?.focus();
  }, []);
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="btn"
        aria-haspopup="dialog"
        aria-expanded={isOpen}
        onClick={() => (isOpen ? close() : setIsOpen(true))}
      >
        Columns
      </button>
      {isOpen && buttonRef.current && (
        <Popover anchor={buttonRef.current} onClose={close} width={300}>
          <ChooserDialog onEscape={close} focusAfterMove={focusAfterMove}>
            <div className="popover-title">Column order</div>
            <p className="muted small">Every ready module has a column; reorder them here.</p>
            <ol className="column-list">
              {shown.map((column, index) => (
                <li key={column.moduleKey} data-module-key={column.moduleKey}>
                  <span className="column-name">{column.name}</span>
                  <button
                    type="button"
                    className="btn btn-icon"
                    aria-label={`Move ${column.name} up`}
                    disabled={index === 0}
                    aria-disabled={save.isPending || undefined}
                    onClick={() => move(index, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-icon"
                    aria-label={`Move ${column.name} down`}
                    disabled={index === shown.length - 1}
                    aria-disabled={save.isPending || undefined}
                    onClick={() => move(index, 1)}
                  >
                    ↓
                  </button>
                </li>
              ))}
            </ol>
            {save.isPending && (
              <div className="muted small" role="status">
                Saving…
              </div>
            )}
          </ChooserDialog>
        </Popover>
      )}
    </>
  );
}

/** The chooser's dialog: focus moves in and stays in (Tab cycles), Escape closes, focus follows a move. */
function ChooserDialog(props: {
  onEscape(): void;
  focusAfterMove: { key: string; up: boolean } | null;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, props.onEscape);
  const { focusAfterMove } = props;
  useLayoutEffect(() => {
    if (!focusAfterMove) return;
    const item = ref.current?.querySelector(`[data-module-key="${CSS.escape(focusAfterMove.key)}"]`);
    const buttons = [...(item?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
    const [up, down] = buttons;
    const preferred = focusAfterMove.up ? up : down;
    const other = focusAfterMove.up ? down : up;
    (preferred && !preferred.disabled ? preferred : other)?.focus();
  }, [focusAfterMove]);
  return (
    <div ref={ref} role="dialog" aria-label="Column order" className="column-chooser" tabIndex={-1}>
      {props.children}
    </div>
  );
}
