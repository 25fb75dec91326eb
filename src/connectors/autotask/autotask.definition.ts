import { defineConnector } from "../connector-definition.ts";
import { createAutotaskConnector } from "./autotask.connector.ts";
import { autotaskSecretsSchema, autotaskSettingsSchema } from "./autotask.settings.ts";

export const autotaskDefinition = defineConnector({
  kind: "autotask",
  role: "psa",
  label: "Autotask",
  settingsSchema: autotaskSettingsSchema,
  secretsSchema: autotaskSecretsSchema,
  create: createAutotaskConnector,
});
