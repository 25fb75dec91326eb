import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

interface PopoverProps {
  anchor: HTMLElement;
  onClose(): void;
  children: ReactNode;
  width?: number;
}

const MAX_HEIGHT = 340;

/**
 * Floats its children next to `anchor` (fixed position, in a portal so virtualized rows and scroll
 * containers do not clip it). Closes on outside click and when the anchor scrolls away.
 */
export function Popover({ anchor, onClose, children, width = 360 }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);

  useLayoutEffect(() => {
    const rect = anchor.getBoundingClientRect();
    const below = window.innerHeight - rect.bottom;
    const top =
      below >= MAX_HEIGHT || below > rect.top ? rect.bottom + 2 : Math.max(4, rect.top - MAX_HEIGHT - 2);
    const left = Math.max(4, Math.min(rect.left, window.innerWidth - width - 8));
    setPosition({ top, left });
  }, [anchor, width]);

  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (ref.current?.contains(target) || anchor.contains(target)) return;
      onClose();
    };
    const onScroll = (event: Event) => {
      const target = event.target as Node;
      if (ref.current?.contains(target)) return;
      // Only a scroll that moves the anchor (the page or a container around it) closes: a search
      // field scrolling its own long text back into view must not.
      if (target === document || target.contains(anchor)) onClose();
    };
    document.addEventListener("pointerdown", onPointerDown, true);
    window.addEventListener("scroll", onScroll, true);
    window.addEventListener("resize", onClose);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown, true);
      window.removeEventListener("scroll", onScroll, true);
      window.removeEventListener("resize", onClose);
    };
  }, [anchor, onClose]);

  return createPortal(
    <div
      ref={ref}
      className="popover"
      style={{ top: position?.top ?? -9999, left: position?.left ?? -9999, width, maxHeight: MAX_HEIGHT }}
    >
      {children}
    </div>,
    document.body,
  );
}
