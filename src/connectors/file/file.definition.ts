import { defineConnector } from "../connector-definition.ts";
import { createFileConnector } from "./file.connector.ts";
import {
  filePsaSecretsSchema,
  filePsaSettingsSchema,
  fileSecretsSchema,
  fileSettingsSchema,
} from "./file.settings.ts";
import { readFileContracts } from "./file-contracts.ts";
import { createFilePsaConnector } from "./file-psa.connector.ts";
import { readFileUsage } from "./file-usage.ts";

/** A module's organizations from a CSV or JSON file (modules without an API, and the demo). */
export const fileDefinition = defineConnector({
  kind: "file",
  role: "module",
  label: "File (CSV or JSON)",
  settingsSchema: fileSettingsSchema,
  secretsSchema: fileSecretsSchema,
  create: (settings, _secrets, deps) => createFileConnector(settings, deps.importDir),
  // Any billing type the file names; none is required of every module organization.
  usage: {
    billingTypes: [],
    read: (settings, _secrets, deps, signal) =>
      settings.usagePath === undefined
        ? null
        : readFileUsage({ path: settings.usagePath, delimiter: settings.delimiter }, deps.importDir, signal),
  },
});

/**
 * The PSA's companies from a JSON file. The one provider that serves both roles, so this folder
 * declares two definitions (same kind, other role, other settings).
 */
export const filePsaDefinition = defineConnector({
  kind: "file",
  role: "psa",
  label: "File (JSON list of companies)",
  settingsSchema: filePsaSettingsSchema,
  secretsSchema: filePsaSecretsSchema,
  create: (settings, _secrets, deps) => createFilePsaConnector(settings, deps.importDir),
  contracts: {
    read: (settings, _secrets, _window, deps, signal) =>
      settings.contractsPath === undefined
        ? null
        : readFileContracts(settings.contractsPath, deps.importDir, signal),
  },
});
