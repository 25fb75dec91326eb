import { z } from "zod";
import type { SuggestionItem, SuggestionService } from "../services/suggestion/suggestion.service.ts";
import { answerMatches, pageOf } from "./common.schema.ts";

/** Answers of the suggestion routes; the web app infers its types from these. */

export const SuggestionCandidateSchema = z.object({
  organizationId: z.string(),
  organizationName: z.string(),
  /** 0..1, higher is likelier. */
  score: z.number(),
  /** Confident enough to be accepted in bulk ("accept every confident one"). */
  accept: z.boolean(),
  /** Why, in words ("same name after removing the legal form", ...). */
  reasons: z.array(z.string()),
});

export const SuggestionItemSchema = z.object({
  moduleOrganizationId: z.string(),
  moduleOrganizationName: z.string(),
  moduleKey: z.string(),
  candidates: z.array(SuggestionCandidateSchema),
});

export const SuggestionPage = pageOf(SuggestionItemSchema);

/** `wouldApply` answers a dry run (what would be applied); the rest, what was. */
export const AcceptAnswer = z.object({
  applied: z.number().int(),
  stepId: z.string().nullable(),
  wouldApply: z.number().int().optional(),
});

answerMatches<z.infer<typeof SuggestionItemSchema>, SuggestionItem>(true);
answerMatches<z.infer<typeof SuggestionPage>, Awaited<ReturnType<SuggestionService["list"]>>>(true);
answerMatches<z.infer<typeof AcceptAnswer>, Awaited<ReturnType<SuggestionService["accept"]>>>(true);
