import { z } from "zod";
import type { PasswordLoginSettings, SsoSettingsView } from "../services/oidc/oidc.service.ts";
import { answerMatches } from "./common.schema.ts";
import { RoleSchema } from "./user.schema.ts";

/** Answers of the single sign-on routes (issue 11). */

/** GET /sso: what the login page shows (public). */
export const SsoInfo = z.object({
  provider: z.object({ displayName: z.string() }).nullable(),
  passwordLoginEnabled: z.boolean(),
});

/** The provider's settings; the client secret never comes back, only whether one is stored. */
export const SsoSettingsViewSchema = z.object({
  configured: z.boolean(),
  enabled: z.boolean(),
  issuerUrl: z.string().nullable(),
  clientId: z.string().nullable(),
  hasClientSecret: z.boolean(),
  displayName: z.string().nullable(),
  defaultRole: RoleSchema,
  allowedDomains: z.array(z.string()),
  redirectUri: z.string(),
});
answerMatches<z.infer<typeof SsoSettingsViewSchema>, SsoSettingsView>(true);

export const PasswordLoginView = z.object({
  passwordLoginEnabled: z.boolean(),
  breakGlassUsername: z.string().nullable(),
});
answerMatches<z.infer<typeof PasswordLoginView>, PasswordLoginSettings>(true);
