import { z } from "zod";
import {
  baseUrlSchema,
  httpSettingsShape,
  pageSizeField,
  secretField,
} from "../http/http-settings.schema.ts";

/**
 * Datto RMM settings (not secret). The base URL is the account's platform API,
 * e.g. https://pinotage-api.centrastage.net (no default: it depends on the platform).
 */
export const dattoRmmSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  baseUrl: baseUrlSchema.meta({
    description: "The platform's API, e.g. https://pinotage-api.centrastage.net",
  }),
  /** Sites per request; Datto RMM allows up to 250. */
  pageSize: pageSizeField(250),
  /** A custom device filter whose devices are not billed (e.g. the MSP's own lab machines). */
  notBillableFilterName: z.string().trim().min(1).max(200).optional().meta({
    title: "Not billable device filter",
    description:
      "Optional: the name of a custom device filter whose devices are left out of the usage (a name no filter has fails the usage read).",
  }),
});

/** The API key and secret key generated for an RMM user (Setup > Users > Generate API Keys). */
export const dattoRmmSecretsSchema = z.strictObject({
  apiKey: secretField("API key"),
  apiSecret: secretField("API secret key"),
});

export type DattoRmmSettings = z.infer<typeof dattoRmmSettingsSchema>;
export type DattoRmmSecrets = z.infer<typeof dattoRmmSecretsSchema>;
