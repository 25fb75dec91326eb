import { DATTO_RMM_BILLING_TYPES } from "../../domain/billing/billing-types.ts";
import { defineConnector } from "../connector-definition.ts";
import { createDattoRmmConnector } from "./datto-rmm.connector.ts";
import { dattoRmmSecretsSchema, dattoRmmSettingsSchema } from "./datto-rmm.settings.ts";
import { readDattoRmmUsage } from "./datto-rmm-usage.client.ts";

export const dattoRmmDefinition = defineConnector({
  kind: "datto-rmm",
  role: "module",
  label: "Datto RMM",
  settingsSchema: dattoRmmSettingsSchema,
  secretsSchema: dattoRmmSecretsSchema,
  create: createDattoRmmConnector,
  // Each site reports its devices and each category every night (0 when it has none).
  usage: {
    billingTypes: DATTO_RMM_BILLING_TYPES.map((type) => type.key),
    read: (settings, secrets, deps, signal) => readDattoRmmUsage(settings, settings, secrets, deps, signal),
  },
});
