import { z } from "zod";

/** Shared request pieces. Types are inferred from these and shared with the web app. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});

export const BooleanQuery = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const IdParams = z.object({ id: z.string().min(1).max(200) });
export const KeyParams = z.object({ key: z.string().min(1).max(64) });

export const ModuleKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    code: z.string(),
    field: z.string().optional(),
  })
  .loose();

/** A page of a list: `{items, nextCursor}` (`nextCursor` null on the last page). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** A timestamp as the API sends it: an ISO 8601 string in UTC (services call `toISOString`). */
export const Timestamp = z.iso.datetime();

/** True when A and B are one type (mutual assignability is not enough: an extra optional field counts). */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The shape of T's keys, all the way down (values reduced to "value", null left out). */
type KeyShape<T> = T extends readonly (infer E)[]
  ? KeyShape<NonNullable<E>>[]
  : T extends object
    ? { [K in keyof T]-?: KeyShape<NonNullable<T[K]>> }
    : "value";

/** True when what a service returns (View) fits the answer schema's type (Answer) with not one key more or less. */
export type AnswerFits<Answer, View> = [View] extends [Answer]
  ? SameType<KeyShape<Answer>, KeyShape<View>>
  : false;

/**
 * Compile-time proof that an answer schema and what the service returns agree: the view fits the
 * schema, and they have the same keys. The serializer encodes with the schema and drops keys it
 * does not know, so a field a service adds without adding it here would vanish from the answer;
 * this makes that a type error instead.
 *
 * @example
 * answerMatches<z.infer<typeof OrganizationViewSchema>, OrganizationView>(true);
 */
export function answerMatches<Answer, View>(_fits: AnswerFits<Answer, View>): void {}
