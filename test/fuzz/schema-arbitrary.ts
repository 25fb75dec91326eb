import fc from "fast-check";

/** The parts of JSON Schema that /openapi.json uses (zod's output). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
}

/** Text an attacker sends: NUL bytes, lone surrogates, escapes, huge or odd numbers, traversal. */
const HOSTILE_TEXT = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "lone\ud800surrogate",
  "\udc00",
  "' or 1=1 --",
  '"; drop table users; --',
  "../../../../etc/passwd",
  "%00",
  "%2e%2e%2f",
  "1e400",
  "-1",
  "NaN",
  "Infinity",
  "9".repeat(400),
  "x".repeat(5000),
  "=cmd|' /C calc'!A0",
  "<script>alert(1)</script>",
  "\u202e\u0301😀",
  "null",
  "{}",
  "[]",
  "true",
  "00000000-0000-0000-0000-000000000000",
  "5f0c8c5e-0000-4000-8000-00000000000g",
  "eyJrIjoiIiwiaWQiOiIifQ",
  "eyJvIjoxZTIwfQ",
  "2026-13-45T25:61:61Z",
];

const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Strings of any UTF-16 code units (lone surrogates and controls included), or a known hostile one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ unit: anyChar, maxLength: 40 }),
  fc.string({ maxLength: 20 }),
);

/** Any JSON value, of a shape a schema did not ask for. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, 0, -1, 1e20, Number.MAX_SAFE_INTEGER, {}, [], [null], { "": "" }),
  fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);

export interface ArbitraryContext {
  /** Components the document's `$ref`s point to. */
  components: Record<string, JsonSchema>;
  /** Ids that exist in the database: a fuzzed uuid is one of them half the time. */
  knownIds: readonly string[];
  /** Known values for strings that are not uuids (module keys): used now and then. */
  knownStrings: readonly string[];
  /** Whether values may break their schema (one time in seven); otherwise they conform. */
  isHostile: boolean;
}

/**
 * A fast-check arbitrary of values for `schema`: values the schema allows (so requests reach the
 * services), and in a hostile context one time in seven anything at all (so the edges are tried too).
 */
export function arbitraryOf(
  schema: JsonSchema,
  ctx: ArbitraryContext,
  name = "",
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!ctx.isHostile) return conforming(schema, ctx, name, depth);
  return fc.oneof(
    { weight: 6, arbitrary: conforming(schema, ctx, name, depth) },
    { weight: 1, arbitrary: hostileValue },
  );
}

function resolve(schema: JsonSchema, ctx: ArbitraryContext): JsonSchema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.split("/").pop() ?? "";
  return ctx.components[name] ?? {};
}

function conforming(
  raw: JsonSchema,
  ctx: ArbitraryContext,
  name: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const schema = resolve(raw, ctx);
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices !== undefined && choices.length > 0)
    return fc.oneof(...choices.map((s) => conforming(s, ctx, name, depth + 1)));
  if (schema.allOf !== undefined && schema.allOf.length > 0)
    return conforming(schema.allOf[0] ?? {}, ctx, name, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length > 1)
    return fc.oneof(...types.map((type) => conforming({ ...schema, type }, ctx, name, depth + 1)));
  const nullable = schema.nullable === true ? [fc.constant(null)] : [];
  const base = ofType(types[0], schema, ctx, name, depth);
  return nullable.length > 0 ? fc.oneof(base, ...nullable) : base;
}

function ofType(
  type: string | undefined,
  schema: JsonSchema,
  ctx: ArbitraryContext,
  name: string,
  depth: number,
) {
  switch (type) {
    case "string":
      return stringOf(schema, ctx, name);
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case "number":
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(conforming(schema.items ?? {}, ctx, name, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "object": {
      const properties = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties))
        model[key] = arbitraryOf(property, ctx, key, depth + 1);
      const required = (schema.required ?? []).filter((key) => key in model);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return hostileValue;
  }
}

/** Strings for `schema`; a field named like an id (`id`, `organizationId`, `stepId`) is a known id most times. */
function stringOf(schema: JsonSchema, ctx: ArbitraryContext, name: string): fc.Arbitrary<string> {
  if (schema.format === "uuid" || /^id$|Ids?$/.test(name))
    return ctx.knownIds.length > 0
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...ctx.knownIds) },
          { weight: 1, arbitrary: fc.uuid() },
        )
      : fc.uuid();
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === "date")
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern !== undefined) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // a pattern JavaScript cannot compile: plain strings below
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 30, 30));
  const plain = fc.string({ minLength, maxLength });
  return ctx.knownStrings.length > 0 && /key$/i.test(name)
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ctx.knownStrings) },
        { weight: 1, arbitrary: plain },
      )
    : plain;
}
