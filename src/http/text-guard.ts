import type { FastifyInstance, FastifyRequest } from "fastify";
import { invalidValue } from "../domain/errors.ts";
import { isStorableText } from "../domain/text.ts";

/** The path of the first string (value or key) PostgreSQL could not store as sent, or null. */
function unstorableAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === "string") return isStorableText(value) ? null : path;
  if (depth > 32 || value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (!isStorableText(key)) return at;
    const found = unstorableAt(inner, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Every request's path parameters, query and JSON body are checked before validation: a NUL byte
 * or a lone surrogate anywhere is a 422 naming the field (issue 11 point 8), so no route can pass
 * one to a query (a 500) or store it changed (U+FFFD). One hook covers every route, new ones too.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request: FastifyRequest) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = unstorableAt(part, "");
      if (field !== null) {
        throw invalidValue(field || "body", "must not contain a NUL character or a lone UTF-16 surrogate");
      }
    }
  });
}
