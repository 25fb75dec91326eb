import { z } from "zod";
import {
  baseUrlSchema,
  httpSettingsShape,
  pageSizeField,
  secretField,
} from "../http/http-settings.schema.ts";

/** IT Glue settings (not secret). The base URL depends on the region: api.itglue.com, api.eu.itglue.com, ... */
export const itGlueSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  baseUrl: baseUrlSchema
    .default("https://api.itglue.com")
    .meta({ description: "Depends on the region: api.itglue.com, api.eu.itglue.com, api.au.itglue.com" }),
  /** Organizations per request; IT Glue allows up to 1000, and fewer requests is kinder to the rate limit. */
  pageSize: pageSizeField(1000),
});

export const itGlueSecretsSchema = z.strictObject({ apiKey: secretField("API key") });

export type ItGlueSettings = z.infer<typeof itGlueSettingsSchema>;
export type ItGlueSecrets = z.infer<typeof itGlueSecretsSchema>;
