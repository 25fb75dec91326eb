/** Initials of 2 to 6 leading words are indexed and looked up. */
export const MIN_INITIALS = 2;
export const MAX_INITIALS = 6;

/** The initials of a name's first 2 to 6 words ("northern lakes university ..." -> "nl", "nlu", ...). */
export function leadingInitials(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let initials = "";
  for (const token of tokens.slice(0, MAX_INITIALS)) {
    initials += token[0] ?? "";
    if (initials.length >= MIN_INITIALS) out.push(initials);
  }
  return out;
}
