import { z } from "zod";
import { baseUrlSchema, httpSettingsShape, secretField } from "../http/http-settings.schema.ts";

/** Datto SaaS Protection settings (not secret). */
export const dattoSaasSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  baseUrl: baseUrlSchema.default("https://api.datto.com"),
});

/** The Datto partner portal's REST API key pair, sent as Basic auth (public key as user). */
export const dattoSaasSecretsSchema = z.strictObject({
  publicKey: secretField("API public key"),
  secretKey: secretField("API secret key"),
});

export type DattoSaasSettings = z.infer<typeof dattoSaasSettingsSchema>;
export type DattoSaasSecrets = z.infer<typeof dattoSaasSecretsSchema>;
