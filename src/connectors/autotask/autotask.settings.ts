import { z } from "zod";
import { httpSettingsShape, secretString } from "../http/http-settings.schema.ts";

/**
 * Autotask settings (not secret). The base URL is the zone's REST root, e.g.
 * https://webservices5.autotask.net/ATServicesRest (the zone depends on the database).
 */
export const autotaskSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  /** Companies per request; Autotask allows 500, and the hourly request budget is shared. */
  pageSize: z.number().int().min(1).max(500).default(500),
});

/** An API-only user's credentials and the integration's tracking code. */
export const autotaskSecretsSchema = z.strictObject({
  apiIntegrationCode: secretString,
  userName: secretString,
  secret: secretString,
});

export type AutotaskSettings = z.infer<typeof autotaskSettingsSchema>;
export type AutotaskSecrets = z.infer<typeof autotaskSecretsSchema>;
