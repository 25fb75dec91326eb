// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const NUL_OR_LONE_SURROGATE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL stores as sent: no NUL (text cannot hold it) and no lone UTF-16 surrogate (it
 * becomes U+FFFD on the way in, so what was stored no longer equals what was sent).
 */
export const isStorableText = (text: string): boolean => !NUL_OR_LONE_SURROGATE.test(text);

/**
 * Each lone surrogate replaced by U+FFFD, as the database would store it, so text read from a
 * vendor compares equal with what was stored from it (NUL is left to the caller's cleaning).
 */
export const withoutLoneSurrogates = (text: string): string => text.replace(LONE_SURROGATES, "\uFFFD");

/** Code point order (UTF-8 byte order), where JavaScript's `<` compares UTF-16 code units. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-DFFF, the halves of U+10000 and up) sort after U+E000-FFFF by code point.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
