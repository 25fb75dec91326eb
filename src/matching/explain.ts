import type { NormalizedName } from "./normalize.ts";
import type { NameMatch } from "./scorer.ts";

function quote(text: string): string {
  return `'${text}'`;
}

/** A run of words ("national monument"), each word as {@link display} shows it. */
function displayWords(run: string): string {
  return run.split(" ").map(display).join(" ");
}

function display(token: string): string {
  return token.length <= 3 ? token.toUpperCase() : token.charAt(0).toUpperCase() + token.slice(1);
}

function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function legalNote(query: NormalizedName, target: NormalizedName, match: NameMatch): string | null {
  const a = query.legalForms.map((f) => f.label);
  const b = target.legalForms.map((f) => f.label);
  if (match.legal === "one-side") {
    const labels = a.length > 0 ? a : b;
    return `${joinWords(labels.map(quote))} ${labels.length > 1 ? "are" : "is"} removed`;
  }
  if (match.legal === "different")
    return `the legal forms (${a.map(quote).join(" ")} / ${b.map(quote).join(" ")}) are set aside`;
  if (a.join() !== b.join() && a.length > 0) return `${quote(a.join(" "))} is read as ${quote(b.join(" "))}`;
  return null;
}

function siteNote(query: NormalizedName, target: NormalizedName, match: NameMatch): string | null {
  switch (match.site) {
    case "query-only":
      return `the site ${quote(query.site ?? "")} is set apart`;
    case "target-only":
      return `the organization's site ${quote(target.site ?? "")} is set apart`;
    case "different":
      return `but the sites differ (${quote(query.site ?? "")} vs ${quote(target.site ?? "")})`;
    default:
      return null;
  }
}

/** Reasons in words for an exact or near-exact name match ("same name once 'Inc.' is removed"). */
function explainSameName(query: NormalizedName, target: NormalizedName, match: NameMatch): string[] {
  if (query.raw.trim() === target.raw.trim()) return ["same name"];
  const notes: string[] = [];
  const legal = legalNote(query, target, match);
  if (legal !== null) notes.push(legal);
  const seen = new Set<string>();
  for (const [from, to] of [...query.expansions, ...target.expansions]) {
    if (seen.has(from)) continue;
    seen.add(from);
    notes.push(`${quote(display(from))} is read as ${quote(display(to))}`);
  }
  if (query.hadLeadingThe !== target.hadLeadingThe) notes.push(`a leading 'The' is ignored`);
  if (query.hadAmpersand || target.hadAmpersand) {
    if (query.raw.includes("&") !== target.raw.includes("&")) notes.push(`'&' is read as 'and'`);
  }
  if (match.kind === "compact") notes.push("spaces are ignored");
  if (match.kind === "reordered") notes.push("the words are reordered");
  const site = siteNote(query, target, match);
  const head =
    notes.length === 0
      ? "same name apart from case, accents or punctuation"
      : `same name once ${joinWords(notes)}`;
  if (site === null) return [head];
  return match.site === "different" ? [`${head}, ${site}`] : [head, site];
}

/**
 * Reasons in words for a name match: what normalization set aside, typos, and the rare words shared.
 * `isRare` tells whether a word is rare enough to be worth naming.
 */
export function explainNameMatch(
  query: NormalizedName,
  target: NormalizedName,
  match: NameMatch,
  isRare: (token: string) => boolean,
): string[] {
  if (match.kind === "spelling") {
    return [`spelled almost the same letter for letter ('${query.raw.trim()}' / '${target.raw.trim()}')`];
  }
  if (match.kind !== "similar") return explainSameName(query, target, match);
  const reasons = [`similar name (${Math.round(match.similarity * 100)}% of the weighted words agree)`];
  if (match.contained === "query") {
    reasons.push(
      `every word of ${quote(query.raw.trim())} is in ${quote(target.raw.trim())}, which says more`,
    );
  }
  const rare = match.pairs
    .filter((p) => p.kind === "same" && isRare(p.target))
    .map((p) => quote(display(p.target)));
  if (rare.length > 0) reasons.push(`shares the rare word${rare.length > 1 ? "s" : ""} ${joinWords(rare)}`);
  for (const pair of match.pairs) {
    if (pair.kind === "same") continue;
    if (pair.kind === "sound") {
      reasons.push(`${quote(display(pair.query))} sounds the same as ${quote(display(pair.target))}`);
      continue;
    }
    if (pair.kind === "initials") {
      const [word, run] = pair.query.includes(" ") ? [pair.target, pair.query] : [pair.query, pair.target];
      reasons.push(`${quote(display(word))} reads as the first letters of ${quote(displayWords(run))}`);
      continue;
    }
    if (pair.kind === "learned") {
      reasons.push(
        `${quote(displayWords(pair.query))} stands for ${quote(displayWords(pair.target))} in mappings users confirmed`,
      );
      continue;
    }
    const kind = pair.kind === "typo" ? "a typo of" : "a shortening of";
    const [short, long] =
      pair.query.length <= pair.target.length ? [pair.query, pair.target] : [pair.target, pair.query];
    reasons.push(
      kind === "a typo of"
        ? `${quote(display(pair.query))} looks like a typo of ${quote(display(pair.target))}`
        : `${quote(display(short))} looks like a shortening of ${quote(display(long))}`,
    );
  }
  const site = siteNote(query, target, match);
  if (site !== null) reasons.push(site);
  return reasons;
}
