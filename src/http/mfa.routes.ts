import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { AppError } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { IdParams } from "./common.schema.ts";
import { MfaStatusSchema, RecoveryCodes, SecuritySettingsView, TotpEnrolment } from "./mfa.schema.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import { signedIn } from "./session.routes.ts";
import { SignedIn } from "./session.schema.ts";

export const MfaLoginBody = z
  .object({ challenge: z.string().min(1).max(200), code: z.string().min(1).max(40) })
  .strict();
export const MfaCodeBody = z.object({ code: z.string().min(1).max(40) }).strict();
/** Each switch optional: what is sent changes, the rest stays. */
export const SecuritySettingsPatch = z
  .object({
    mfaRequiredForAdmins: z.boolean().optional(),
    /** false: only the break-glass admin may sign in with a password (needs single sign-on on). */
    passwordLoginEnabled: z.boolean().optional(),
    breakGlassUsername: z.string().min(1).max(200).nullable().optional(),
  })
  .strict();

/** The signed-in user's id, or a 409 for an API token (which has no MFA of its own). */
function userIdOf(auth: ReturnType<typeof requireAuth>): string {
  if (!auth.user) throw new AppError("conflict", "an API token has no MFA; sign in as a user");
  return auth.user.id;
}

export const mfaRoutes =
  (ctx: AppContext, services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/session/mfa",
      {
        config: { access: "public" },
        schema: {
          tags: ["session"],
          summary: "Second sign-in step: the challenge of POST /session and a TOTP or recovery code",
          body: MfaLoginBody,
          response: { 200: SignedIn, ...problemResponses },
        },
      },
      async (request, reply) => {
        const result = await services.mfa.completeLogin({
          challenge: request.body.challenge,
          code: request.body.code,
          ip: request.ip,
          userAgent: request.headers["user-agent"] ?? null,
        });
        return signedIn(ctx, request, reply, result);
      },
    );
    app.get(
      "/me/mfa",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mfa"],
          summary: "Whether your MFA is on, recovery codes left, and whether it is required for you",
          response: { 200: MfaStatusSchema, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        if (!auth.user) return { enabled: false, recoveryCodesLeft: 0, required: false };
        return services.mfa.status(auth.user.id);
      },
    );
    app.post(
      "/me/mfa/totp",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mfa"],
          summary:
            "Start enrolling an authenticator app: a new secret and its otpauth:// URI (for the QR code)",
          response: { 200: TotpEnrolment, ...problemResponses },
        },
      },
      async (request) => services.mfa.startEnrolment(userIdOf(requireAuth(request))),
    );
    app.post(
      "/me/mfa/totp/confirm",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mfa"],
          summary: "Turn MFA on with a first code of the app; answers the recovery codes, once",
          body: MfaCodeBody,
          response: { 200: RecoveryCodes, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        return services.mfa.confirmEnrolment(auth.actor, userIdOf(auth), request.body.code);
      },
    );
    app.post(
      "/me/mfa/disable",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mfa"],
          summary: "Turn your MFA off with a current code (409 while it is required for you)",
          body: MfaCodeBody,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        await services.mfa.disableOwn(auth.actor, userIdOf(auth), request.body.code);
        return reply.status(204).send(null);
      },
    );
    app.post(
      "/me/mfa/recovery-codes",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["mfa"],
          summary: "New recovery codes with a current code (the old ones stop)",
          body: MfaCodeBody,
          response: { 200: RecoveryCodes, ...problemResponses },
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        return services.mfa.renewRecoveryCodes(auth.actor, userIdOf(auth), request.body.code);
      },
    );
    app.delete(
      "/users/:id/mfa",
      {
        config: { access: "admin" },
        schema: {
          tags: ["mfa"],
          summary: "Reset a user's MFA (lost phone): it is off and their sessions end",
          params: IdParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.mfa.reset(requireAuth(request).actor, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/security-settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["mfa"],
          summary: "Instance-wide security switches",
          response: { 200: SecuritySettingsView, ...problemResponses },
        },
      },
      async () => ({
        ...(await services.mfa.securitySettings()),
        ...(await services.oidc.passwordLoginSettings()),
      }),
    );
    app.patch(
      "/security-settings",
      {
        config: { access: "admin" },
        schema: {
          tags: ["mfa"],
          summary:
            "Require MFA for admins (each admin without it may then only enrol); turn password sign-in off for all but a break-glass admin",
          body: SecuritySettingsPatch,
          response: { 200: SecuritySettingsView, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireAuth(request).actor;
        const { mfaRequiredForAdmins, ...passwordLogin } = request.body;
        const mfa =
          mfaRequiredForAdmins === undefined
            ? await services.mfa.securitySettings()
            : await services.mfa.updateSecuritySettings(actor, { mfaRequiredForAdmins });
        const password =
          passwordLogin.passwordLoginEnabled === undefined && passwordLogin.breakGlassUsername === undefined
            ? await services.oidc.passwordLoginSettings()
            : await services.oidc.setPasswordLogin(actor, passwordLogin);
        return { ...mfa, ...password };
      },
    );
  };
