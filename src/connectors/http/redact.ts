const REDACTED = "[redacted]";

/** Secrets shorter than this are not redacted: replacing "1" everywhere would garble messages. */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes every secret (and its URL-encoded and Base64 forms, which is how they travel in query
 * strings and Basic auth) from a text that may reach an error message, a log or the database.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/** Shortens a text for an error message, saying that it was shortened. */
export function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (${flat.length} characters)`;
}
