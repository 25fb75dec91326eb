import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import type { AuditEvent, AuditStep } from "../../api/api-types.ts";

const FIELD_WORDS: Record<string, string> = {
  organizationTerm: "Term",
  timeZone: "Time zone",
  billingEnabled: "Integrated billing",
  name: "Name",
  type: "Type",
  status: "Status",
  role: "Role",
  disabled: "Disabled",
  schedule: "Schedule",
  currency: "Currency",
  locale: "Locale",
};

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** What changed in an event, field by field ("Term: Organization → Client Company"). */
export function changedFields(before: unknown, after: unknown): string[] {
  if (typeof before !== "object" || typeof after !== "object" || !before || !after) return [];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${FIELD_WORDS[key] ?? key}: ${valueText(a[key])} → ${valueText(b[key])}`);
}

function eventText(event: AuditEvent): string {
  const fields = changedFields(event.before, event.after);
  if (event.entityType === "settings" && fields.length > 0) return `Settings: ${fields.join("; ")}`;
  return fields.length > 0 ? `${event.summary} (${fields.join("; ")})` : event.summary;
}

/** A step's headline; opened, its changes one by one (the first 50). */
export function StepDetails({
  step,
  headline,
}: {
  step: AuditStep;
  headline: string;
  timeZone?: string | undefined;
}) {
  const api = useApi();
  const [isOpen, setIsOpen] = useState(false);
  const events = useQuery({
    queryKey: ["audit-events", "step", step.stepId],
    enabled: isOpen || step.count === 1,
    queryFn: () => api.request("GET /audit-events", { query: { stepId: step.stepId, limit: 50 } }),
  });
  const items = [...(events.data?.items ?? [])].reverse();
  if (step.count === 1) {
    const [only] = items;
    return <span>{only ? eventText(only) : headline}</span>;
  }
  return (
    <details className="step-details" onToggle={(event) => setIsOpen(event.currentTarget.open)}>
      <summary>{headline}</summary>
      {events.isPending && isOpen && <span className="muted">Loading…</span>}
      <ul className="step-events">
        {items.map((event) => (
          <li key={event.id}>{eventText(event)}</li>
        ))}
      </ul>
      {step.count > items.length && items.length > 0 && (
        <p className="muted small">and {(step.count - items.length).toLocaleString()} more</p>
      )}
    </details>
  );
}
