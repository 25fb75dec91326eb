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
