import { DATTO_RMM_BILLING_TYPES } from "../../domain/billing/billing-types.ts";
import { defineConnector } from "../connector-definition.ts";
import { createDattoRmmConnector } from "./datto-rmm.connector.ts";
import { dattoRmmSecretsSchema, dattoRmmSettingsSchema } from "./datto-rmm.settings.ts";
import { dattoRmmUsageScope, readDattoRmmUsage } from "./datto-rmm-usage.client.ts";

export const dattoRmmDefinition = defineConnector({
  kind: "datto-rmm",
  role: "module",
  label: "Datto RMM",
  settingsSchema: dattoRmmSettingsSchema,
  secretsSchema: dattoRmmSecretsSchema,
  create: createDattoRmmConnector,
  // Each site reports its devices every night (0 when it has none), and each category when one
  // is service-mapped (the device list that counts them costs devices/250 requests).
  usage: {
    billingTypes: DATTO_RMM_BILLING_TYPES.map((type) => type.key),
    billingTypesFor: (mapped) => dattoRmmUsageScope(mapped).billingTypes,
    read: (settings, secrets, deps, signal, mapped) =>
      readDattoRmmUsage(settings, settings, secrets, deps, signal, dattoRmmUsageScope(mapped).scope),
  },
});
