import { z } from "zod";

/** File connector settings: a CSV or JSON export on the server's disk. */
export const fileSettingsSchema = z.strictObject({
  path: z.string().trim().min(1, { error: "must name a file" }),
  /** Defaults from the extension: .json is JSON, anything else CSV. */
  format: z.enum(["csv", "json"]).optional(),
  /** CSV only: many European spreadsheet exports use ";". */
  delimiter: z.enum([",", ";", "\t", "|"]).default(","),
});

/** A file needs no credentials. */
export const fileSecretsSchema = z.strictObject({});

export type FileSettings = z.infer<typeof fileSettingsSchema>;
export type FileSecrets = z.infer<typeof fileSecretsSchema>;
