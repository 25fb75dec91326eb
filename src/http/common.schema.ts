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
