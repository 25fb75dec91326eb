import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../domain/errors.ts";
import { ORGANIZATION_TERMS } from "../domain/term.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { problemResponses } from "./response.schema.ts";
import { PreferencesView, SettingsView } from "./settings.schema.ts";

export const SettingsPatch = z
  .object({
    organizationTerm: z.enum(ORGANIZATION_TERMS).optional(),
    timeZone: z.string().min(1).max(100).optional(),
    /** ISO 4217: three letters; checked against what this server's Intl knows. */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "an ISO 4217 currency code, e.g. USD")
      .optional(),
    /** BCP 47 language tag, e.g. en-US; checked against what this server's Intl knows. */
    locale: z.string().min(2).max(35).optional(),
  })
  .strict();

export const PreferencesBody = z
  .object({ moduleColumnOrder: z.array(z.string().min(1).max(64)).max(200) })
  .strict();

export const settingsRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/settings",
      {
        config: { access: "viewer" },
        schema: { tags: ["settings"], response: { 200: SettingsView, ...problemResponses } },
      },
      async () => services.settings.get(),
    );
    app.patch(
      "/settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["settings"],
          summary: "Change the term, the time zone, the currency or the locale",
          body: SettingsPatch,
          response: { 200: SettingsView, ...problemResponses },
        },
      },
      async (request) => services.settings.update(requireAuth(request).actor, request.body),
    );
    app.get(
      "/me/preferences",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["settings"],
          summary: "The caller's module column order",
          response: { 200: PreferencesView, ...problemResponses },
        },
      },
      async (request) => ({
        moduleColumnOrder: await services.settings.columnOrder(requireAuth(request).user?.id ?? null),
      }),
    );
    app.put(
      "/me/preferences",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["settings"],
          summary: "Reorder module columns (every ready module must be placed; columns cannot be hidden)",
          body: PreferencesBody,
          response: { 200: PreferencesView, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        if (!auth.user) {
          throw new AppError(
            "forbidden",
            "API tokens have no preferences; an admin sets the default with PUT /settings/module-column-order",
          );
        }
        return {
          moduleColumnOrder: await services.settings.setColumnOrder(
            auth.user.id,
            request.body.moduleColumnOrder,
          ),
        };
      },
    );
    app.put(
      "/settings/module-column-order",
      {
        config: { access: "admin" },
        schema: {
          tags: ["settings"],
          summary: "The instance default column order for users with none",
          body: PreferencesBody,
          response: { 200: PreferencesView, ...problemResponses },
        },
      },
      async (request) => ({
        moduleColumnOrder: await services.settings.setColumnOrder(null, request.body.moduleColumnOrder, {
          asInstanceDefault: true,
        }),
      }),
    );
  };
