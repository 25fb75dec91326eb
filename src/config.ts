import { join, resolve } from "node:path";
import { z } from "zod";

/** Connector credentials are sealed with a key derived from ORGMAP_SECRET_KEY; shorter ones are refused. */
export const MIN_SECRET_KEY_LENGTH = 16;

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  ORGMAP_DATA_DIR: z.string().min(1).default("./data"),
  ORGMAP_IMPORT_DIR: z.string().min(1).optional(),
  ORGMAP_SECRET_KEY: z
    .string()
    .min(
      MIN_SECRET_KEY_LENGTH,
      `needs at least ${MIN_SECRET_KEY_LENGTH} characters (it seals connector credentials); unset, orgmap keeps a generated key in the data folder`,
    )
    .optional(),
  ORGMAP_ADMIN_PASSWORD: z.string().min(12).optional(),
  ORGMAP_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ORGMAP_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(60),
  ORGMAP_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  ORGMAP_SECURE_COOKIES: z.enum(["auto", "always", "never"]).default("auto"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  ORGMAP_SYNC_LEASE_SECONDS: z.coerce.number().positive().max(3600).optional(),
  ORGMAP_ALERT_LEASE_SECONDS: z.coerce.number().positive().max(3600).optional(),
  ORGMAP_POSTING_LEASE_SECONDS: z.coerce.number().positive().max(3600).optional(),
  ORGMAP_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ORGMAP_SYNC_OVERDUE_HOURS: z.coerce.number().positive().max(8760).optional(),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  /** The one folder the file connector reads from (ORGMAP_IMPORT_DIR, default `<data dir>/import`). */
  importDir?: string | undefined;
  secretKey: string | undefined;
  initialAdminPassword: string | undefined;
  logLevel: z.infer<typeof EnvSchema>["ORGMAP_LOG_LEVEL"];
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  secureCookies: "auto" | "always" | "never";
  port: number;
  host: string;
  /** How long a sync run's lease lasts without renewal (default 60 s). */
  syncLeaseMs?: number | undefined;
  /** How long an alert delivery's lease lasts (default 60 s). */
  alertLeaseMs?: number | undefined;
  /** How long a posting lease on a contract service lasts without renewal (default 60 s). */
  postingLeaseMs?: number | undefined;
  /** Where users reach the web app: links in alert e-mails and webhooks (default http://localhost:PORT). */
  publicUrl?: string | undefined;
  /** A module without a successful sync for longer than this raises an alert (default 36). */
  syncOverdueHours?: number | undefined;
}

/**
 * Reads the configuration from the environment once, at start-up; the result is passed down. A bad
 * value stops the start with the variable's name, before anything is opened.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ORGMAP_DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir,
    importDir: e.ORGMAP_IMPORT_DIR === undefined ? importDirOf({ dataDir }) : resolve(e.ORGMAP_IMPORT_DIR),
    secretKey: e.ORGMAP_SECRET_KEY,
    initialAdminPassword: e.ORGMAP_ADMIN_PASSWORD,
    logLevel: e.ORGMAP_LOG_LEVEL,
    sessionIdleMs: e.ORGMAP_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.ORGMAP_SESSION_ABSOLUTE_HOURS * 3_600_000,
    secureCookies: e.ORGMAP_SECURE_COOKIES,
    port: e.PORT,
    host: e.HOST,
    syncLeaseMs: e.ORGMAP_SYNC_LEASE_SECONDS === undefined ? undefined : e.ORGMAP_SYNC_LEASE_SECONDS * 1000,
    alertLeaseMs:
      e.ORGMAP_ALERT_LEASE_SECONDS === undefined ? undefined : e.ORGMAP_ALERT_LEASE_SECONDS * 1000,
    postingLeaseMs:
      e.ORGMAP_POSTING_LEASE_SECONDS === undefined ? undefined : e.ORGMAP_POSTING_LEASE_SECONDS * 1000,
    publicUrl: e.ORGMAP_PUBLIC_URL,
    syncOverdueHours: e.ORGMAP_SYNC_OVERDUE_HOURS,
  };
}

/** The import folder of a configuration (the default when it names none). */
export const importDirOf = (config: Pick<Config, "dataDir" | "importDir">): string =>
  config.importDir ?? join(config.dataDir, "import");
