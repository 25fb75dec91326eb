import { readFailure } from "../connector.ts";
import { defineConnector } from "../connector-definition.ts";
import { createAutotaskConnector } from "./autotask.connector.ts";
import { autotaskSecretsSchema, autotaskSettingsSchema } from "./autotask.settings.ts";
import { AutotaskCompaniesClient } from "./autotask-companies.client.ts";
import { readAutotaskContracts } from "./autotask-contracts.client.ts";

export const autotaskDefinition = defineConnector({
  kind: "autotask",
  role: "psa",
  label: "Autotask",
  settingsSchema: autotaskSettingsSchema,
  secretsSchema: autotaskSecretsSchema,
  create: createAutotaskConnector,
  // Services, Contracts, ContractServices and ContractServiceUnits of the current and previous period.
  contracts: {
    read: async (settings, secrets, window, deps, signal) => {
      const read = await readAutotaskContracts(settings, secrets, window, deps, signal);
      return read.kind === "complete"
        ? read
        : { kind: "failed", failure: readFailure(read.error, "Autotask"), requestCount: read.requestCount };
    },
  },
  // Companies create (issue 14): a module organization's PSA organization.
  organizations: {
    open: (settings, secrets, deps, signal) => new AutotaskCompaniesClient(settings, secrets, deps, signal),
  },
});
