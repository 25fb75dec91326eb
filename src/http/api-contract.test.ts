import { describe, expect, it } from "vitest";
import { useTestApp } from "../../test/support/test-app.ts";
import { type ApiContract, apiContract, type ContractRoute } from "./api-contract.ts";
import { API_PREFIX } from "./app.ts";

/** The routes left out of the contract: the OpenAPI document itself (hidden from it). */
const NOT_DOCUMENTED = new Set([`GET ${API_PREFIX}/openapi.json`]);

interface OpenApiResponse {
  content?: Record<string, { schema?: unknown }>;
}
interface OpenApiOperation {
  requestBody?: unknown;
  parameters?: { in: string }[];
  responses?: Record<string, OpenApiResponse>;
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/** What is wrong with one operation's documented answers (empty when nothing). */
function contractGaps(operation: OpenApiOperation | undefined, access: string): string[] {
  if (!operation) return ["not in /openapi.json"];
  const responses = operation.responses ?? {};
  const gaps: string[] = [];
  const success = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
  if (success.length === 0) gaps.push("no success answer");
  for (const status of success) {
    if (status !== "204" && !responses[status]?.content?.["application/json"]?.schema) {
      gaps.push(`${status} has no application/json schema`);
    }
  }
  // Every route can fail on our side; non-public ones refuse callers; input can be malformed.
  const required = ["500"];
  if (access !== "public") required.push("401", "403");
  if (operation.requestBody || (operation.parameters ?? []).length > 0) required.push("400");
  if (operation.requestBody) required.push("422");
  for (const status of required) {
    if (!responses[status]?.content?.["application/problem+json"]?.schema) {
      gaps.push(`no ${status} application/problem+json answer`);
    }
  }
  return gaps;
}

/**
 * The API contract (issue 8 item 5): /openapi.json documents every answer of every route, success
 * and problem+json. A route added without `schema.response` fails here, by name.
 */
describe("the API contract", () => {
  const t = useTestApp();

  it("documents a success schema and the problem+json answers of every route", async () => {
    const viewer = await t.tokenAs("viewer");
    const res = await t.request(viewer, { method: "GET", url: `${API_PREFIX}/openapi.json` });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as OpenApiDocument;
    const routes = t.app.apiRoutes.filter((r) => !NOT_DOCUMENTED.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThan(40);
    const offending = routes.flatMap((route) => {
      const path = route.url.replace(/:([a-zA-Z]+)/g, "{$1}");
      const gaps = contractGaps(doc.paths[path]?.[route.method.toLowerCase()], route.access);
      return gaps.length === 0 ? [] : [`${route.method} ${route.url}: ${gaps.join("; ")}`];
    });
    expect(offending, "routes whose answers /openapi.json does not document").toEqual([]);
  });

  it("lists every route in apiContract with the very schemas the route validates and answers with", () => {
    const routes = t.app.apiRoutes.filter((r) => !NOT_DOCUMENTED.has(`${r.method} ${r.url}`));
    const keys = routes.map((r) => `${r.method} ${r.url.slice(API_PREFIX.length)}`);
    expect(
      keys.filter((key) => !(key in apiContract)),
      "routes missing from apiContract",
    ).toEqual([]);
    expect(
      Object.keys(apiContract).filter((key) => !keys.includes(key)),
      "apiContract rows for routes that do not exist",
    ).toEqual([]);
    const differing = routes.flatMap((route) => {
      const key = `${route.method} ${route.url.slice(API_PREFIX.length)}` as keyof ApiContract;
      const entry: ContractRoute = apiContract[key];
      const schema = (route.schema ?? {}) as {
        response?: Record<string, unknown>;
        body?: unknown;
        querystring?: unknown;
      };
      const success = Object.keys(schema.response ?? {}).filter((status) => /^2\d\d$/.test(status));
      const gaps = [
        success.join() !== String(entry.status) &&
          `success status ${success.join()} (contract: ${entry.status})`,
        schema.response?.[entry.status] !== entry.answer && "another answer schema",
        schema.body !== entry.body && "another body schema",
        schema.querystring !== entry.query && "another query schema",
      ].filter(Boolean);
      return gaps.length === 0 ? [] : [`${key}: ${gaps.join("; ")}`];
    });
    expect(differing, "apiContract rows that differ from their route").toEqual([]);
  });

  it("finds the gaps it is meant to find", () => {
    const problem = { content: { "application/problem+json": { schema: {} } } };
    const json = { content: { "application/json": { schema: {} } } };
    expect(contractGaps(undefined, "viewer")).toEqual(["not in /openapi.json"]);
    expect(contractGaps({ responses: {} }, "public")).toEqual([
      "no success answer",
      "no 500 application/problem+json answer",
    ]);
    expect(
      contractGaps(
        { requestBody: {}, responses: { 200: json, 401: problem, 403: problem, 500: problem } },
        "admin",
      ),
    ).toEqual(["no 400 application/problem+json answer", "no 422 application/problem+json answer"]);
    expect(contractGaps({ responses: { 204: {}, 500: problem } }, "public")).toEqual([]);
  });
});
