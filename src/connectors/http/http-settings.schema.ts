import { z } from "zod";

/**
 * An http or https base URL. Not a transform (which JSON Schema cannot express, and the API
 * publishes these schemas): connectors strip a trailing slash with `withoutTrailingSlash`.
 */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .meta({ title: "Base URL" });

/** Settings with the base URL's trailing slashes removed, so paths can be appended with "/". */
export function withoutTrailingSlash<T extends { baseUrl: string }>(settings: T): T {
  return { ...settings, baseUrl: settings.baseUrl.replace(/\/+$/, "") };
}

/** Settings every HTTP connector shares: where to go and how long to wait. None of them is secret. */
export const httpSettingsShape = {
  baseUrl: baseUrlSchema,
  /** One request (headers and body) must finish within this time, or it is abandoned and retried. */
  requestTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(30_000)
    .meta({ title: "Request timeout (ms)", description: "One request must finish within this time." }),
  /** The whole read must finish within this time, or the sync fails with a recorded error. */
  totalTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(6 * 3_600_000)
    .default(30 * 60_000)
    .meta({ title: "Total time limit (ms)", description: "The whole read must finish within this time." }),
  /** Attempts per request, the first one included. */
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(6)
    .meta({ title: "Attempts per request", description: "The first one included." }),
};

export const httpSettingsSchema = z.strictObject(httpSettingsShape);
export type HttpSettings = z.infer<typeof httpSettingsSchema>;

/** A non-empty secret string; the message never repeats the value. */
export const secretString = z.string().trim().min(1, { error: "must not be empty" });

/**
 * A credential field with its label. Published as write-only, format "password": forms render a
 * password input and the API never sends it back.
 */
export function secretField(title: string) {
  return secretString.meta({ title, writeOnly: true, format: "password" });
}

/** The page size setting, titled for forms; `max` is the vendor's limit. */
export function pageSizeField(max: number) {
  return z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(max)
    .meta({ title: "Page size", description: `Records per request (at most ${max}).` });
}
