import {
  DATTO_SAAS_PRODUCT_TYPES,
  DATTO_SAAS_SEATS,
  dattoSaasSeatsType,
} from "../../domain/billing/billing-types.ts";
import { readQuantity } from "../../domain/billing/usage-ledger.ts";
import type { ModuleUsageReading } from "../../domain/billing/usage-read.ts";
import {
  type ConnectorDeps,
  type ConnectorUsageRead,
  type RejectedRecord,
  readFailure,
} from "../connector.ts";
import { withoutTrailingSlash } from "../http/http-settings.schema.ts";
import { startCountedSession } from "../http/request-counter.ts";
import { checkId, optionalText, rejection } from "../record-checks.ts";
import { readSaasDomains } from "./datto-saas.client.ts";
import type { DattoSaasSecrets, DattoSaasSettings } from "./datto-saas.settings.ts";

const VENDOR = "Datto SaaS Protection";

interface CustomerSeats {
  total: number;
  byType: Map<string, number>;
  /** Why the sums cannot be trusted (a domain whose seatsUsed is unreadable); null when they can. */
  problem: string | null;
}

/**
 * Seats used per SaaS Protection customer: the sum of its domains' `seatsUsed`, in total and per
 * product type. A domain whose count cannot be read makes its customer's seats unknown (a sum
 * without it would bill too little), and is rejected with the reason.
 */
export function seatsByCustomer(rows: readonly unknown[]): {
  readings: ModuleUsageReading[];
  rejected: RejectedRecord[];
} {
  const customers = new Map<string, CustomerSeats>();
  const rejected: RejectedRecord[] = [];
  for (const raw of rows) {
    if (typeof raw !== "object" || raw === null) {
      rejected.push(rejection("not an object", raw));
      continue;
    }
    const row = raw as Record<string, unknown>;
    const customerId = checkId(row.saasCustomerId, "saasCustomerId");
    if (!customerId.ok) {
      rejected.push(rejection(customerId.reason, raw));
      continue;
    }
    const customer = customers.get(customerId.value) ?? { total: 0, byType: new Map(), problem: null };
    customers.set(customerId.value, customer);
    const seats = readQuantity(row.seatsUsed);
    if (!seats.ok) {
      const reason = `domain ${optionalText(row.domain) ?? "?"}: ${seats.reason.replace("quantity", "seatsUsed")}`;
      rejected.push(rejection(reason, raw));
      customer.problem ??= reason;
      continue;
    }
    customer.total += seats.value;
    const productType = optionalText(row.productType);
    if (productType !== null) {
      const key = dattoSaasSeatsType(productType).key;
      customer.byType.set(key, (customer.byType.get(key) ?? 0) + seats.value);
    }
  }
  const readings: ModuleUsageReading[] = [];
  for (const [externalId, customer] of customers) {
    // Known product types the customer does not use are 0: the domain list was read whole.
    const keys = new Set([
      ...Object.keys(DATTO_SAAS_PRODUCT_TYPES).map((key) => `seats.${key}`),
      ...customer.byType.keys(),
    ]);
    for (const billingType of [DATTO_SAAS_SEATS, ...keys]) {
      const quantity =
        billingType === DATTO_SAAS_SEATS ? customer.total : (customer.byType.get(billingType) ?? 0);
      readings.push(
        customer.problem === null
          ? { externalId, billingType, quantity }
          : { externalId, billingType, quantity: null, reason: "failed", detail: customer.problem },
      );
    }
  }
  return { readings, rejected };
}

/**
 * Reads SaaS Protection usage: GET /v1/saas/domains (one request), summed per customer. Never
 * throws: a failed read comes back `failed`, so every customer's seats are unknown, never 0.
 */
export async function readDattoSaasUsage(
  rawSettings: DattoSaasSettings,
  secrets: DattoSaasSecrets,
  deps: ConnectorDeps = {},
  signal?: AbortSignal,
): Promise<ConnectorUsageRead> {
  const settings = withoutTrailingSlash(rawSettings);
  const { http, requestCount } = startCountedSession(
    { vendor: VENDOR, ...settings, secrets: [secrets.publicKey, secrets.secretKey], deps },
    signal,
  );
  try {
    const rows = await readSaasDomains(http, settings, secrets);
    return { kind: "complete", ...seatsByCustomer(rows), requestCount: requestCount() };
  } catch (error) {
    const failure = readFailure(error, VENDOR);
    return { kind: "failed", error: failure.message, failure, requestCount: requestCount() };
  }
}
