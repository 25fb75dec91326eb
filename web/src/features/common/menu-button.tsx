import { type KeyboardEvent, useEffect, useRef, useState } from "react";

interface MenuItem {
  label: string;
  disabled?: boolean;
  onSelect(): void;
}

/** A menu button (ARIA menu pattern; the organization page's Tools, the header's Account): Enter/Space/Down opens, arrows move, Escape closes. */
export function MenuButton({ label, items }: { label: string; items: MenuItem[] }) {
  const [isOpen, setIsOpen] = useState(false);
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!isOpen) return;
    menuRef.current?.querySelectorAll<HTMLElement>("[role=menuitem]")[active]?.focus();
  }, [isOpen, active]);
  useEffect(() => {
    if (!isOpen) return;
    const onDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setIsOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [isOpen]);

  const close = () => {
    setIsOpen(false);
    buttonRef.current?.focus();
  };
  const onMenuKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown") setActive((i) => (i + 1) % items.length);
    else if (event.key === "ArrowUp") setActive((i) => (i - 1 + items.length) % items.length);
    else if (event.key === "Escape" || event.key === "Tab") close();
    else return;
    event.preventDefault();
  };
  return (
    <div className="menu-wrap">
      <button
        ref={buttonRef}
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={isOpen}
        onClick={() => {
          setActive(0);
          setIsOpen((open) => !open);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            event.preventDefault();
            setActive(0);
            setIsOpen(true);
          }
        }}
      >
        {label} ▾
      </button>
      {isOpen && (
        <div ref={menuRef} role="menu" aria-label={label} className="menu" onKeyDown={onMenuKeyDown}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              aria-disabled={item.disabled || undefined}
              className="menu-item"
              onClick={() => {
                if (item.disabled) return;
                setIsOpen(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
