import { defineConnector } from "../connector-definition.ts";
import { createDattoSaasConnector } from "./datto-saas.connector.ts";
import { dattoSaasSecretsSchema, dattoSaasSettingsSchema } from "./datto-saas.settings.ts";

export const dattoSaasDefinition = defineConnector({
  kind: "datto-saas",
  role: "module",
  label: "Datto SaaS Protection",
  settingsSchema: dattoSaasSettingsSchema,
  secretsSchema: dattoSaasSecretsSchema,
  create: createDattoSaasConnector,
});
