import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_FILE = "secret.key";

const MIN_KEY_LENGTH = 16;

function checkedKey(secretKey: string): string {
  if (secretKey.length < MIN_KEY_LENGTH) {
    throw new Error(`the secret key must have at least ${MIN_KEY_LENGTH} characters`);
  }
  return secretKey;
}

/**
 * Seals connector credentials with AES-256-GCM before they reach the database. Each sealed value
 * is bound to where it is stored (`context`, e.g. "module:itglue"), so a value copied to another
 * row does not open. The plain text never leaves this object except to build a connector.
 * Built once per instance (`createSecretBox(config)` in `createServices`) and passed to whoever seals.
 *
 * @example
 * const box = new SecretBox("a long random key");
 * const sealed = box.seal({ apiKey: "ITG.xxx" }, "module:itglue"); // "v1:..."
 * box.open(sealed, "module:itglue"); // { apiKey: "ITG.xxx" }
 */
export class SecretBox {
  private derived: Buffer | undefined;
  private readonly resolveKey: () => string;

  /** `secretKey`: the key, or a function that finds it when first needed (e.g. reads secret.key). */
  constructor(secretKey: string | (() => string)) {
    if (typeof secretKey === "string") {
      const key = checkedKey(secretKey);
      this.resolveKey = () => key;
    } else {
      this.resolveKey = () => checkedKey(secretKey());
    }
  }

  /** scrypt stretches a passphrase (a random key loses nothing by it); done once, on first use. */
  private get key(): Buffer {
    this.derived ??= scryptSync(this.resolveKey(), "orgmap-secret-box-v1", 32);
    return this.derived;
  }

  seal(value: Record<string, unknown>, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  /** Opens a sealed value; throws (without the value) when the key or the context is wrong. */
  open(sealed: string, context: string): Record<string, unknown> {
    const [version, payload] = sealed.split(":", 2);
    if (version !== VERSION || !payload) throw new Error("stored secrets are in an unknown format");
    const bytes = Buffer.from(payload, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as Record<string, unknown>;
    } catch {
      throw new Error(
        "stored secrets cannot be opened: ORGMAP_SECRET_KEY (or the data folder's secret.key) changed since they were saved; enter the credentials again",
      );
    }
  }
}

/**
 * The instance's secret key: ORGMAP_SECRET_KEY when set, else `secret.key` in the data folder,
 * created with mode 0600 at first start. Several processes on one PostgreSQL must share the key,
 * so they should set ORGMAP_SECRET_KEY.
 */
export function resolveSecretKey(config: Pick<Config, "secretKey" | "dataDir">): string {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, SECRET_KEY_FILE);
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    // Another process created it at the same moment: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The instance's secret box. ORGMAP_SECRET_KEY is checked now; the data folder's secret.key is
 * read (or created) only when a secret is first sealed or opened, so commands that never touch
 * credentials leave the data folder alone.
 */
export function createSecretBox(config: Pick<Config, "secretKey" | "dataDir">): SecretBox {
  return new SecretBox(config.secretKey ?? (() => resolveSecretKey(config)));
}
