import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Services } from "../services/index.ts";
import { problemResponses } from "./response.schema.ts";

const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .describe("A JSON Schema (draft 2020-12) of an object: one property per field, `title` its label");

export const ConnectorKindView = z.object({
  kind: z.string().describe("Stored as the connector's `kind` (PATCH /modules/{key}, PATCH /psa)"),
  role: z.enum(["module", "psa"]).describe("module: reads a module's organizations; psa: the PSA's"),
  label: z.string(),
  settings: JsonSchemaObject.describe("Non-secret settings; a field with a `default` may be left out"),
  secrets: JsonSchemaObject.describe(
    'Credentials: every property is `writeOnly` with `format: "password"`; never returned',
  ),
});

export const ConnectorKindList = z.object({ items: z.array(ConnectorKindView) });

/**
 * The connector kinds a module or the PSA can use, each with JSON Schemas of its settings and
 * secrets: the web form renders its fields from them. Viewers read it too: they see the (read-only)
 * form, and nothing here is secret.
 */
export const connectorKindRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/connector-kinds",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["sync"],
          summary: "Connector kinds with the JSON Schemas of their settings and secrets",
          response: { 200: ConnectorKindList, ...problemResponses },
        },
      },
      async () => ({ items: services.syncConfig.connectorKinds() }),
    );
  };
