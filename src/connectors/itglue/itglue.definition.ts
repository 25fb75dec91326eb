import { defineConnector } from "../connector-definition.ts";
import { createItGlueConnector } from "./itglue.connector.ts";
import { itGlueSecretsSchema, itGlueSettingsSchema } from "./itglue.settings.ts";

export const itGlueDefinition = defineConnector({
  kind: "itglue",
  role: "module",
  label: "IT Glue",
  settingsSchema: itGlueSettingsSchema,
  secretsSchema: itGlueSecretsSchema,
  create: createItGlueConnector,
});
