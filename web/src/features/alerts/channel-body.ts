import type { BodyOf } from "../../api/api-client.ts";
import type { ChannelDraft } from "./alert-types.ts";

/** The POST body for a new channel of `kind` from the form. */
export function createBody(kind: "webhook" | "email", d: ChannelDraft): BodyOf<"POST /alert-channels"> {
  if (kind === "webhook")
    return {
      kind,
      name: d.name,
      url: d.url,
      format: d.format,
      allowPrivate: d.allowPrivate,
      maxFailures: Number(d.maxFailures),
    };
  return {
    kind,
    name: d.name,
    host: d.host,
    port: Number(d.port),
    tls: d.tls,
    user: d.user || null,
    password: d.password || null,
    from: d.from,
  };
}

/** The PATCH body for a stored channel: its kind's fields; the password only when typed. */
export function patchBody(kind: "webhook" | "email", d: ChannelDraft): BodyOf<"PATCH /alert-channels/:id"> {
  if (kind === "webhook")
    return {
      name: d.name,
      url: d.url,
      format: d.format,
      allowPrivate: d.allowPrivate,
      maxFailures: Number(d.maxFailures),
    };
  return {
    name: d.name,
    host: d.host,
    port: Number(d.port),
    tls: d.tls,
    user: d.user || null,
    from: d.from,
    ...(d.password ? { password: d.password } : {}),
  };
}
