import { z } from "zod";
import type { GridService } from "../services/grid.service.ts";
import type { MappingService } from "../services/mapping.service.ts";
import { answerMatches } from "./common.schema.ts";
import { MovedFromSchema } from "./module-organization.schema.ts";
import { ModuleOrganizationRef, OrganizationViewSchema } from "./organization.schema.ts";

/** Answers of Map by Organization; the web app infers its types from these. */

export const CellStateSchema = z.enum(["empty", "mapped", "multiple", "ignored"]);

/** One cell: what the (organization, module) pair holds, and its version for the next change (rule 4). */
export const GridCellSchema = z.object({
  state: CellStateSchema,
  moduleOrganizations: z.array(ModuleOrganizationRef),
  version: z.string(),
});

export const GridRowSchema = z.object({
  organization: OrganizationViewSchema,
  /** One cell per column, keyed by module key. */
  cells: z.record(z.string(), GridCellSchema),
});

export const GridColumnSchema = z.object({ moduleKey: z.string(), name: z.string() });

export const GridPage = z.object({
  columns: z.array(GridColumnSchema),
  items: z.array(GridRowSchema),
  nextCursor: z.string().nullable(),
  /** The rows the filters match; null when asked `withTotal=false`. */
  total: z.number().int().nullable(),
});

/** The pair after the change, and where the chosen module organization was mapped before. */
export const CellAnswer = z.object({
  cell: GridCellSchema.extend({ isIgnored: z.boolean() }),
  movedFrom: MovedFromSchema.nullable(),
  /** The audit step of the change (the web's Undo); null when nothing changed. */
  stepId: z.string().nullable(),
});

answerMatches<z.infer<typeof GridPage>, Awaited<ReturnType<GridService["page"]>>>(true);
answerMatches<z.infer<typeof CellAnswer>, Awaited<ReturnType<MappingService["setCell"]>>>(true);
