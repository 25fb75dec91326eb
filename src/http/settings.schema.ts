import { z } from "zod";
import { ORGANIZATION_TERMS } from "../domain/term.ts";
import type { SettingsService } from "../services/settings.service.ts";
import { answerMatches } from "./common.schema.ts";

/** Answers of the settings routes; the web app infers its types from these. */

export const SettingsView = z.object({
  organizationTerm: z.enum(ORGANIZATION_TERMS),
  timeZone: z.string(),
  /** ISO 4217 code money is shown in ("USD", "EUR"). */
  currency: z.string(),
  /** BCP 47 tag numbers and money are formatted for ("en-US", "de-DE"). */
  locale: z.string(),
});

/** The module column order of Map by Organization (the caller's, or the instance default). */
export const PreferencesView = z.object({ moduleColumnOrder: z.array(z.string()) });

answerMatches<z.infer<typeof SettingsView>, Awaited<ReturnType<SettingsService["get"]>>>(true);
answerMatches<z.infer<typeof SettingsView>, Awaited<ReturnType<SettingsService["update"]>>>(true);
answerMatches<
  z.infer<typeof PreferencesView>["moduleColumnOrder"],
  Awaited<ReturnType<SettingsService["setColumnOrder"]>>
>(true);
