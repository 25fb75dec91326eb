import {
  ALERT_EVENT_LABELS,
  type AlertEventData,
  type AlertEventType,
  isAlertEventType,
} from "../../domain/alert-event.ts";

/** An event as the worker delivers it: `{ id, type, time, data }` is a webhook's JSON body. */
export interface AlertEnvelope {
  id: string;
  type: string;
  time: string;
  data: unknown;
}

/** An event in words: a title, a few lines, and the web app's page where to act. */
export interface AlertMessage {
  title: string;
  lines: string[];
  link: string;
}

const TOP_LINES = 10;

function moduleOrganizationsLink(base: string, moduleKey: string, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ tab: "module-organizations", moduleKey, ...extra });
  return `${base}/mapping?${query.toString()}`;
}

function itemLines(items: readonly { name: string; organizationName?: string | null }[], count: number) {
  const lines = items
    .slice(0, TOP_LINES)
    .map((item) => `- ${item.name}${item.organizationName ? ` (mapped to ${item.organizationName})` : ""}`);
  if (count > lines.length) lines.push(`- and ${count - lines.length} more`);
  return lines;
}

/** Describes an event for people (e-mail, digest, Slack, Teams). `base`: the web app's URL, no trailing slash. */
export function describeAlert(event: AlertEnvelope, base: string): AlertMessage {
  if (!isAlertEventType(event.type)) {
    return { title: `orgmap event ${event.type}`, lines: [], link: base };
  }
  return describeKnown(event.type, event.data as never, base);
}

function describeKnown<K extends AlertEventType>(
  type: K,
  data: AlertEventData[K],
  base: string,
): AlertMessage {
  // One switch per kind; `data` is narrowed by hand since TypeScript cannot narrow K itself.
  switch (type) {
    case "module_organizations.new_unmapped": {
      const d = data as AlertEventData["module_organizations.new_unmapped"];
      return {
        title: `${d.count} new unmapped module organization${d.count === 1 ? "" : "s"} in ${d.moduleName}`,
        lines: itemLines(d.items, d.count),
        link: moduleOrganizationsLink(base, d.moduleKey, { status: "unmapped" }),
      };
    }
    case "module_organizations.missing_while_mapped": {
      const d = data as AlertEventData["module_organizations.missing_while_mapped"];
      return {
        title: `${d.count} mapped module organization${d.count === 1 ? "" : "s"} missing from ${d.moduleName}`,
        lines: itemLines(d.items, d.count),
        link: moduleOrganizationsLink(base, d.moduleKey, { status: "missing" }),
      };
    }
    case "organization.became_inactive": {
      const d = data as AlertEventData["organization.became_inactive"];
      return {
        title: `${d.name} became ${d.type} in the PSA`,
        lines: [
          `It was ${d.before}; ${d.mappedCount} module organization${d.mappedCount === 1 ? " is" : "s are"} still mapped to it and need attention.`,
        ],
        link: `${base}/organizations/${encodeURIComponent(d.organizationId)}`,
      };
    }
    case "sync.failed": {
      const d = data as AlertEventData["sync.failed"];
      return {
        title: `The sync of ${d.name} failed`,
        lines: d.error ? [d.error] : [],
        link: `${base}/modules`,
      };
    }
    case "sync.overdue": {
      const d = data as AlertEventData["sync.overdue"];
      return {
        title: `${d.moduleName} has had no successful sync for over ${d.thresholdHours} hours`,
        lines: [d.lastSuccessAt ? `Last successful sync: ${d.lastSuccessAt}` : "It never completed a sync."],
        link: `${base}/modules`,
      };
    }
    case "webhook.disabled": {
      const d = data as AlertEventData["webhook.disabled"];
      return {
        title: `The webhook "${d.name}" was disabled after ${d.failures} failed deliveries`,
        lines: d.lastError ? [`Last error: ${d.lastError}`] : [],
        link: `${base}/alerts/channels`,
      };
    }
    case "posting.failed": {
      const d = data as AlertEventData["posting.failed"];
      const rows = `${d.failedCount} failed row${d.failedCount === 1 ? "" : "s"}`;
      return {
        title:
          d.outcome === "failed"
            ? `The posting run of ${d.moduleName} failed (${rows})`
            : `The posting run of ${d.moduleName} ended with ${rows}`,
        lines: [
          `Period ${d.periodKey}, run ${d.runId}.`,
          ...(d.error ? [`Error: ${d.error}`] : []),
          ...d.reasons.map((reason) => `- ${reason}`),
        ],
        link: `${base}/posting?${new URLSearchParams({ onlyFailed: "true", runId: d.runId }).toString()}#activity-log`,
      };
    }
    case "posting.approval_waiting": {
      const d = data as AlertEventData["posting.approval_waiting"];
      return {
        title: `A decrease waits for approval: ${d.organizationName}, ${d.serviceName} (${d.unitsBefore} -> ${d.targetUnits})`,
        lines: [
          `Module ${d.moduleName}, period ${d.periodKey}: units ${d.unitsBefore} -> ${d.targetUnits}.`,
          ...(d.reason ? [d.reason] : []),
        ],
        link: `${base}/posting?${new URLSearchParams({ approval: d.approvalId }).toString()}#approvals`,
      };
    }
  }
  return { title: ALERT_EVENT_LABELS[type], lines: [], link: base };
}

/** Plain text of one event (an e-mail body). */
export function alertText(message: AlertMessage, event: AlertEnvelope): string {
  return [
    message.title,
    "",
    ...message.lines,
    "",
    `Open: ${message.link}`,
    "",
    `Event ${event.id} at ${event.time}`,
  ].join("\n");
}

/**
 * A daily digest: how many of each kind, then the top items of each kind with their links.
 * Events arrive oldest first; the newest are shown first.
 */
export function digestText(
  events: readonly AlertEnvelope[],
  base: string,
): { subject: string; text: string } {
  const byType = new Map<string, AlertEnvelope[]>();
  for (const event of events) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
  const out: string[] = [`orgmap daily digest: ${events.length} event${events.length === 1 ? "" : "s"}`, ""];
  for (const [type, list] of byType) {
    const label = isAlertEventType(type) ? ALERT_EVENT_LABELS[type] : type;
    out.push(`${label}: ${list.length}`);
  }
  for (const [type, list] of byType) {
    out.push("", `== ${isAlertEventType(type) ? ALERT_EVENT_LABELS[type] : type} ==`);
    for (const event of [...list].reverse().slice(0, 5)) {
      const message = describeAlert(event, base);
      out.push(`* ${message.title}`, ...message.lines.slice(0, 3).map((l) => `  ${l}`), `  ${message.link}`);
    }
    if (list.length > 5) out.push(`  and ${list.length - 5} more`);
  }
  return {
    subject: `orgmap digest: ${events.length} event${events.length === 1 ? "" : "s"}`,
    text: out.join("\n"),
  };
}
