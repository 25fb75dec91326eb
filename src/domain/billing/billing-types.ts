/**
 * Billing types: the meters a module reports per module organization (product section 6). A
 * billing type is named by a stable key (stored with every reading and service mapping) and has a
 * label for people. API modules have fixed lists; a file module may name any type.
 */

export interface BillingType {
  key: string;
  label: string;
}

/** Datto RMM device categories (`deviceType.category` in API v2), by our key. */
export const DATTO_RMM_DEVICE_CATEGORIES = {
  desktop: "Desktop",
  laptop: "Laptop",
  server: "Server",
  network_device: "Network Device",
  printer: "Printer",
  esxi_host: "ESXi Host",
} as const;

export type DattoRmmDeviceCategory = keyof typeof DATTO_RMM_DEVICE_CATEGORIES;

export const DATTO_RMM_DEVICES = "devices";
export type DattoRmmBillingTypeKey = typeof DATTO_RMM_DEVICES | `devices.${DattoRmmDeviceCategory}`;

/** Datto RMM: every billable device, and the devices of each category. */
export const DATTO_RMM_BILLING_TYPES: readonly BillingType[] = [
  { key: DATTO_RMM_DEVICES, label: "Devices" },
  ...Object.entries(DATTO_RMM_DEVICE_CATEGORIES).map(([key, label]) => ({
    key: `devices.${key}`,
    label: `Devices: ${label}`,
  })),
];

/** The category key of a Datto RMM `deviceType.category` ("Network Device" -> network_device), or null. */
export function dattoRmmCategoryKey(category: unknown): DattoRmmDeviceCategory | null {
  if (typeof category !== "string") return null;
  const key = toKeyText(category);
  return key in DATTO_RMM_DEVICE_CATEGORIES ? (key as DattoRmmDeviceCategory) : null;
}

export const DATTO_SAAS_SEATS = "seats";

/** SaaS Protection product types the API is known to name; others still get their own key. */
export const DATTO_SAAS_PRODUCT_TYPES = {
  office365: "Microsoft 365",
  googleapps: "Google Workspace",
} as const;

/** SaaS Protection: seats of every product, and known products on their own. */
export const DATTO_SAAS_BILLING_TYPES: readonly BillingType[] = [
  { key: DATTO_SAAS_SEATS, label: "Seats" },
  ...Object.entries(DATTO_SAAS_PRODUCT_TYPES).map(([key, label]) => ({
    key: `seats.${key}`,
    label: `Seats: ${label}`,
  })),
];

/** The billing type of the seats of one SaaS Protection product type ("Office365" -> seats.office365). */
export function dattoSaasSeatsType(productType: string): BillingType {
  const key = toKeyText(productType);
  const known = DATTO_SAAS_PRODUCT_TYPES[key as keyof typeof DATTO_SAAS_PRODUCT_TYPES];
  return { key: `seats.${key}`, label: `Seats: ${known ?? productType.trim()}` };
}

/** IT Glue bills the MSP per technician, not per customer: it reports no billing type. */
export const ITGLUE_BILLING_TYPES: readonly BillingType[] = [];

/** The billing types a module of each API connector kind reports; a file module reports what its file names. */
export const BILLING_TYPES_BY_CONNECTOR_KIND = {
  "datto-rmm": DATTO_RMM_BILLING_TYPES,
  "datto-saas": DATTO_SAAS_BILLING_TYPES,
  itglue: ITGLUE_BILLING_TYPES,
} as const satisfies Record<string, readonly BillingType[]>;

export const MAX_BILLING_TYPE_KEY_LENGTH = 64;

function toKeyText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "_")
    .replace(/^[_.]+|[_.]+$/g, "");
}

/**
 * The key of a billing type a file names ("Protected mailboxes" -> protected_mailboxes), so that
 * "Users", "users " and "USERS" are one meter. Null when nothing usable is left, or it is too long.
 */
export function billingTypeKey(name: string): string | null {
  const key = toKeyText(name);
  if (key === "" || key.length > MAX_BILLING_TYPE_KEY_LENGTH) return null;
  return key;
}

/** The billing types a module of this connector kind reports up front (none for a file module). */
export function billingTypesOfConnectorKind(kind: string | null): readonly BillingType[] {
  if (kind === null || !Object.hasOwn(BILLING_TYPES_BY_CONNECTOR_KIND, kind)) return [];
  return BILLING_TYPES_BY_CONNECTOR_KIND[kind as keyof typeof BILLING_TYPES_BY_CONNECTOR_KIND];
}

/**
 * A label for a stored key: the connector kind's own label when it has one ("devices.server" ->
 * "Devices: Server"), else the key in words ("protected_mailboxes" -> "Protected mailboxes").
 */
export function billingTypeLabel(key: string, kind: string | null = null): string {
  const known = [
    ...billingTypesOfConnectorKind(kind),
    ...DATTO_RMM_BILLING_TYPES,
    ...DATTO_SAAS_BILLING_TYPES,
  ].find((type) => type.key === key);
  if (known) return known.label;
  const words = key.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
