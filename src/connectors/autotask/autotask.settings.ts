import { z } from "zod";
import {
  baseUrlSchema,
  httpSettingsShape,
  pageSizeField,
  secretField,
} from "../http/http-settings.schema.ts";

/**
 * Autotask settings (not secret). The base URL is the zone's REST root, e.g.
 * https://webservices5.autotask.net/ATServicesRest (the zone depends on the database).
 */
export const autotaskSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  baseUrl: baseUrlSchema.meta({
    description: "The zone's REST root, e.g. https://webservices5.autotask.net/ATServicesRest",
  }),
  /** Companies per request; Autotask allows 500, and the hourly request budget is shared. */
  pageSize: pageSizeField(500),
});

/** An API-only user's credentials and the integration's tracking code. */
export const autotaskSecretsSchema = z.strictObject({
  apiIntegrationCode: secretField("API integration code"),
  userName: secretField("API user name"),
  secret: secretField("API user secret"),
});

export type AutotaskSettings = z.infer<typeof autotaskSettingsSchema>;
export type AutotaskSecrets = z.infer<typeof autotaskSecretsSchema>;
