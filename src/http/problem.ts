import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isAppError } from "../domain/errors.ts";
import { inTermWords, type OrganizationTerm } from "../domain/term.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  [key: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: `https://orgmap.dev/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    code,
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * The one place where errors become HTTP answers. Bad input never becomes a 500. `term`, the
 * instance's word for "organization", words the detail of our own errors (issue 13 point 14).
 */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  term?: OrganizationTerm,
) {
  if (isAppError(error)) {
    if (error.code === "rate_limited" && typeof error.details?.retryAfterSeconds === "number") {
      reply.header("retry-after", String(error.details.retryAfterSeconds));
    }
    return sendProblem(
      reply,
      problem(error.status, error.code, term ? inTermWords(error.message, term) : error.message, {
        ...(error.field ? { field: error.field } : {}),
        ...(error.details ?? {}),
      }),
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const path = (first?.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
    const missing =
      first?.params && typeof first.params === "object" && "missingProperty" in first.params
        ? String((first.params as { missingProperty: unknown }).missingProperty)
        : undefined;
    const field = [path, missing].filter(Boolean).join(".") || undefined;
    const where = error.validationContext ?? "body";
    const status = where === "body" ? 422 : 400;
    return sendProblem(
      reply,
      problem(
        status,
        status === 422 ? "invalid_value" : "bad_request",
        `${where}${field ? `.${field}` : ""}: ${first?.message ?? "invalid"}`,
        {
          ...(field ? { field } : {}),
          errors: error.validation.map((v) => ({
            field: v.instancePath.replace(/^\//, "").replaceAll("/", "."),
            message: v.message,
          })),
        },
      ),
    );
  }
  if (isConcurrentWriteConflict(error)) {
    request.log.warn({ err: error }, "concurrent write conflict");
    return sendProblem(
      reply,
      problem(
        409,
        "concurrent_change",
        "another change to the same records was being saved at the same moment; nothing of yours was saved, reload and try again",
      ),
    );
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 413
        ? "payload_too_large"
        : status === 415
          ? "unsupported_media_type"
          : status === 404
            ? "not_found"
            : "bad_request";
    return sendProblem(reply, problem(status, code, error.message));
  }
  request.log.error({ err: error }, "unhandled error");
  return sendProblem(
    reply,
    problem(500, "internal_error", "something went wrong on our side; the error was logged"),
  );
}

/**
 * PostgreSQL gave up one of two transactions that waited on each other (deadlock) or could not be
 * serialized. The database rolled it back whole, so the caller lost nothing but this attempt: a
 * conflict like a stale version (409), never a 500.
 */
function isConcurrentWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}
