import { z } from "zod";
import { ProblemSchema } from "./common.schema.ts";

/** One error answer: application/problem+json (the content type `problem.ts` sends). */
const problemAnswer = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/**
 * The error answers a route can give, every one application/problem+json. Spread into a route's
 * `schema.response` beside its success answer, so OpenAPI documents every answer (the check in
 * `openapi.test.ts` fails for a route without them):
 *
 * @example
 * schema: { response: { 200: OrganizationView, ...problemResponses } }
 */
export const problemResponses = {
  400: problemAnswer("Bad request: malformed JSON or query parameters (`bad_request`)"),
  401: problemAnswer("No or unknown credentials (`unauthenticated`)"),
  403: problemAnswer("Role too low (`forbidden`) or a cookie write without the CSRF header (`csrf_failed`)"),
  404: problemAnswer("Unknown id or key (`not_found`)"),
  409: problemAnswer(
    "Stale version or a state that forbids the change (`version_conflict`, `conflict`, ...)",
  ),
  422: problemAnswer("A value the rules refuse, named in `field` (`invalid_value`, ...)"),
  429: problemAnswer("Too many attempts (`rate_limited`); see Retry-After"),
  500: problemAnswer("Something went wrong on our side; the error was logged (`internal_error`)"),
} as const;

/** The problem answers of a public route that reads no input: only our own failure. */
export const serverProblemResponses = { 500: problemResponses[500] } as const;

/** The answer of a route that answers with no body (204). */
export const NoContent = z.null().describe("No content");
