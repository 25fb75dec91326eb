import { z } from "zod";
import { ProblemSchema } from "./common.schema.ts";

/**
 * The error answers a route can give, every one application/problem+json. Spread into a route's
 * `schema.response` beside its success answer, so OpenAPI documents every answer:
 *
 * @example
 * schema: { response: { 200: OrganizationView, ...problemResponses } }
 */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
  429: ProblemSchema,
} as const;

/** The answer of a route that answers with no body (204). */
export const NoContent = z.null().describe("No content");
