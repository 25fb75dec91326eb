import { z } from "zod";
import { MAX_BILLING_TYPE_KEY_LENGTH } from "../domain/billing/billing-types.ts";
import type { ServiceMappingService } from "../services/billing/service-mapping.service.ts";
import { answerMatches, ModuleKey, Timestamp } from "./common.schema.ts";

/**
 * Service mappings (issue 9 item 5, product section 6): per (module, billing type) the PSA service
 * that bills it and the policy (latest or peak units of the period). Requests and answers; the web
 * app infers its types from these. A billing type with no service mapping is a reconciliation
 * state (`no_service_mapping`), not an error: it is listed here with `serviceMapping: null`.
 */

export const UNITS_POLICIES = ["latest", "peak"] as const;
export const UnitsPolicySchema = z.enum(UNITS_POLICIES);

/** A decimal amount as text, exact (domain/billing/money.ts): "12.50", "4.1667", "-3.00". */
export const DecimalText = z.string().regex(/^-?\d+\.\d{2,4}$/);

/** A billing type key ("devices", "devices.server", "protected_mailboxes"). */
export const BillingTypeKey = z
  .string()
  .min(1)
  .max(MAX_BILLING_TYPE_KEY_LENGTH)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, dots, dashes and underscores");

/** One service mapping as stored. */
export const ServiceMappingView = z.object({
  moduleKey: z.string(),
  billingType: z.string(),
  psaServiceId: z.string(),
  /** The service's name when it was mapped (kept should the PSA drop the service). */
  psaServiceName: z.string(),
  policy: UnitsPolicySchema,
  updatedBy: z.string(),
  updatedAt: Timestamp,
  /**
   * The service in the last PSA contracts read: `active`, `inactive`, or `unknown` (not in it: the
   * PSA dropped it, or contracts were never read). An `unknown` service bills nothing.
   */
  serviceStatus: z.enum(["active", "inactive", "unknown"]),
});

/** A billing type a module reports, and its service mapping (null: not mapped yet). */
export const BillingTypeRow = z.object({
  key: z.string(),
  label: z.string(),
  /**
   * Where it is known from: `connector` (the module's connector kind reports it), `ledger` (a
   * reading was stored for it), `mapping` (only a service mapping names it, e.g. a file module
   * whose file no longer reports it).
   */
  origin: z.enum(["connector", "ledger", "mapping"]),
  serviceMapping: ServiceMappingView.nullable(),
});

export const ModuleBillingTypes = z.object({
  moduleKey: z.string(),
  moduleName: z.string(),
  connectorKind: z.string().nullable(),
  billingTypes: z.array(BillingTypeRow),
});

/** GET /service-mappings: every module (or one) with the billing types it can report. */
export const ServiceMappingList = z.object({ modules: z.array(ModuleBillingTypes) });

export const ServiceMappingQuery = z.object({ moduleKey: ModuleKey.optional() });

/** A PSA service (Autotask `Services`) from the last contracts read: the picker's choices. */
export const PsaServiceView = z.object({
  psaId: z.string(),
  name: z.string(),
  /** List price, exact decimal text; null when the PSA gives none. */
  unitPrice: DecimalText.nullable(),
  isActive: z.boolean(),
});

export const PsaServiceList = z.object({
  items: z.array(PsaServiceView),
  /** When the contracts (and with them the services) were last read; null: never. */
  readAt: Timestamp.nullable(),
});

export const PsaServiceQuery = z.object({
  search: z.string().max(200).optional(),
  includeInactive: z
    .enum(["true", "false", "1", "0"])
    .transform((v) => v === "true" || v === "1")
    .optional(),
});

export const ServiceMappingParams = z.object({ moduleKey: ModuleKey, billingType: BillingTypeKey });

/** PUT /service-mappings/:moduleKey/:billingType: set (or replace) the service and the policy. */
export const ServiceMappingBody = z
  .object({
    psaServiceId: z.string().min(1).max(64),
    policy: UnitsPolicySchema.default("latest"),
  })
  .strict();

answerMatches<z.infer<typeof ServiceMappingList>, Awaited<ReturnType<ServiceMappingService["list"]>>>(true);
answerMatches<z.infer<typeof ServiceMappingView>, Awaited<ReturnType<ServiceMappingService["set"]>>>(true);
answerMatches<z.infer<typeof PsaServiceList>, Awaited<ReturnType<ServiceMappingService["services"]>>>(true);
