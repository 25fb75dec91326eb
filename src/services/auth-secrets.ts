import { createHash } from "node:crypto";

/** Secrets (session cookies, API tokens, challenges, recovery codes) are stored only as this hash. */
export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** What a sessions list shows of a browser's User-Agent: printable characters, at most 300. */
export function cleanUserAgent(userAgent: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return userAgent.replace(/[\u0000-\u001f\u007f\ud800-\udfff]/g, "").slice(0, 300);
}
