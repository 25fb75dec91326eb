/** Words that join the others in a name, in the languages of the legal forms we read. */
const FUNCTION_WORDS = new Set([
  "of",
  "the",
  "and",
  "for",
  "de",
  "der",
  "van",
  "la",
  "le",
  "du",
  "des",
  "da",
  "di",
]);

/** A word that joins the others ("of", "the", "for", "de"): it says little about which organization is meant. */
export function isFunctionWord(token: string): boolean {
  return FUNCTION_WORDS.has(token);
}
