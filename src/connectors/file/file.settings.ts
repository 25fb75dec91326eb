import { z } from "zod";

const filePath = z
  .string()
  .trim()
  .min(1, { error: "must name a file" })
  .meta({ title: "File path", description: "A path on the orgmap server's disk." });

/** A file needs no credentials. */
const noSecrets = z.strictObject({}, { error: "a file needs no credentials" });

/** File connector settings: a CSV or JSON export on the server's disk. */
export const fileSettingsSchema = z.strictObject({
  path: filePath,
  /** Defaults from the extension: .json is JSON, anything else CSV. */
  format: z
    .enum(["csv", "json"])
    .optional()
    .meta({ title: "Format", description: "Default: from the extension (.json is JSON, else CSV)." }),
  /** CSV only: many European spreadsheet exports use ";". */
  delimiter: z
    .enum([",", ";", "\t", "|"])
    .default(",")
    .meta({ title: "CSV delimiter", description: 'CSV only: many spreadsheet exports use ";".' }),
  /** Usage of the module's organizations, read by the same sync run (docs/BILLING.md). */
  usagePath: filePath.optional().meta({
    title: "Usage file path",
    description:
      "Optional: a CSV or JSON file of externalId, billingType, quantity on the server's disk (.json is JSON, else CSV with the delimiter above).",
  }),
});
export const fileSecretsSchema = noSecrets;

/** The PSA read from a JSON file of companies (the demo, and instances that export by hand). */
export const filePsaSettingsSchema = z.strictObject({
  path: filePath.meta({ description: "A JSON array of {psaId, name, type, isActive?, parentPsaId?}." }),
  /** The PSA's contracts, read by the same sync run (docs/BILLING.md). */
  contractsPath: filePath.optional().meta({
    title: "Contracts file path",
    description:
      "Optional: a JSON object of services, contracts, contractServices and contractServiceUnits on the server's disk.",
  }),
});
export const filePsaSecretsSchema = noSecrets;

export type FileSettings = z.infer<typeof fileSettingsSchema>;
export type FilePsaSettings = z.infer<typeof filePsaSettingsSchema>;
