import type { FastifyInstance } from "fastify";

/**
 * Replaces Fastify's JSON body parser with one that reads an empty body as no body. Automation
 * clients (PowerShell's `Invoke-RestMethod -ContentType`, many SDKs) send
 * `Content-Type: application/json` with nothing after it on a DELETE or a bodiless POST such as
 * `/modules/{key}/sync`; Fastify answers those 400. Malformed JSON still gets 400 (and the
 * prototype-poisoning guard and the body limit stay Fastify's own).
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
