import { defineConnector } from "../connector-definition.ts";
import { createDattoRmmConnector } from "./datto-rmm.connector.ts";
import { dattoRmmSecretsSchema, dattoRmmSettingsSchema } from "./datto-rmm.settings.ts";

export const dattoRmmDefinition = defineConnector({
  kind: "datto-rmm",
  role: "module",
  label: "Datto RMM",
  settingsSchema: dattoRmmSettingsSchema,
  secretsSchema: dattoRmmSecretsSchema,
  create: createDattoRmmConnector,
});
