import { z } from "zod";
import { baseUrlSchema, httpSettingsShape, secretString } from "../http/http-settings.schema.ts";

/** Datto SaaS Protection settings (not secret). */
export const dattoSaasSettingsSchema = z.strictObject({
  ...httpSettingsShape,
  baseUrl: baseUrlSchema.default("https://api.datto.com"),
});

/** The Datto partner portal's REST API key pair, sent as Basic auth (public key as user). */
export const dattoSaasSecretsSchema = z.strictObject({ publicKey: secretString, secretKey: secretString });

export type DattoSaasSettings = z.infer<typeof dattoSaasSettingsSchema>;
export type DattoSaasSecrets = z.infer<typeof dattoSaasSecretsSchema>;
