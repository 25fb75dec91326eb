import { z } from "zod";

/**
 * An http or https base URL. Not a transform (which JSON Schema cannot express, and the API
 * publishes these schemas): connectors strip a trailing slash with `withoutTrailingSlash`.
 */
export const baseUrlSchema = z.url({ protocol: /^https?$/, error: "must be an http or https URL" });

/** Settings with the base URL's trailing slashes removed, so paths can be appended with "/". */
export function withoutTrailingSlash<T extends { baseUrl: string }>(settings: T): T {
  return { ...settings, baseUrl: settings.baseUrl.replace(/\/+$/, "") };
}

/** Settings every HTTP connector shares: where to go and how long to wait. None of them is secret. */
export const httpSettingsShape = {
  baseUrl: baseUrlSchema,
  /** One request (headers and body) must finish within this time, or it is abandoned and retried. */
  requestTimeoutMs: z.number().int().min(1).max(600_000).default(30_000),
  /** The whole read must finish within this time, or the sync fails with a recorded error. */
  totalTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(6 * 3_600_000)
    .default(30 * 60_000),
  /** Attempts per request, the first one included. */
  maxAttempts: z.number().int().min(1).max(20).default(6),
};

export const httpSettingsSchema = z.strictObject(httpSettingsShape);
export type HttpSettings = z.infer<typeof httpSettingsSchema>;

/** A non-empty secret string; the message never repeats the value. */
export const secretString = z.string().trim().min(1, { error: "must not be empty" });
