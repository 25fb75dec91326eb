import { defineConnector } from "../connector-definition.ts";
import { createDattoSaasConnector } from "./datto-saas.connector.ts";
import { dattoSaasSecretsSchema, dattoSaasSettingsSchema } from "./datto-saas.settings.ts";
import { readDattoSaasUsage } from "./datto-saas-usage.ts";

export const dattoSaasDefinition = defineConnector({
  kind: "datto-saas",
  role: "module",
  label: "Datto SaaS Protection",
  settingsSchema: dattoSaasSettingsSchema,
  secretsSchema: dattoSaasSecretsSchema,
  create: createDattoSaasConnector,
  // Seats are per customer; its domains (sub-organizations) report none, so no type is required of all.
  usage: { billingTypes: [], read: readDattoSaasUsage },
});
