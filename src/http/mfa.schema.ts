import { z } from "zod";
import type { MfaStatus } from "../services/mfa/mfa.service.ts";
import { answerMatches } from "./common.schema.ts";

/** Answers of the MFA routes (issue 11). */
export const MfaStatusSchema = z.object({
  enabled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  required: z.boolean(),
});
answerMatches<z.infer<typeof MfaStatusSchema>, MfaStatus>(true);

/** A new TOTP secret: `uri` (otpauth://) is what the QR code holds; `secret` is for typing it in. */
export const TotpEnrolment = z.object({ secret: z.string(), uri: z.string() });

/** Recovery codes, shown once: each signs in once in place of a code. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

export const SecuritySettingsView = z.object({
  mfaRequiredForAdmins: z.boolean(),
  /** Migration 0016: false: only the break-glass admin may sign in with a password. */
  passwordLoginEnabled: z.boolean(),
  breakGlassUsername: z.string().nullable(),
});
