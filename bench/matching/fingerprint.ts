/**
 * Every answer of the engine, hashed per set: a speed change must leave each hash as it was (same
 * candidates, same scores, same accept flags, same reasons), which is stricter than the quality
 * figures. `npx tsx bench/matching/fingerprint.ts [--dump dir]` prints one hash per set; with `--dump`
 * it also writes every answer, one line per module organization, to compare two runs with `diff`.
 * Sets: the four labeled sets, the patterns (held-out and development names), patstat and companies
 * with a fifth of their names confirmed (the learning path), and a synthetic 20,000 x 4,000 set.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildMatchIndex,
  type ConfirmedMapping,
  type MatchIndexInput,
  type MatchQuery,
  suggest,
} from "../../src/matching/engine.ts";
import { companiesSet, type LabeledSet, patstatSet, seededRandom } from "./datasets.ts";
import { patternSets } from "./patterns.ts";
import { parksSet, vaUnivSet } from "./secondstring.ts";
import { syntheticSet } from "./synthetic.ts";

interface FingerprintSet {
  name: string;
  input: MatchIndexInput;
  queries: MatchQuery[];
}

function labeled(set: LabeledSet): FingerprintSet {
  return {
    name: set.name,
    input: { organizations: set.organizations },
    queries: set.queries.map((q) => ({ id: q.id, name: q.name })),
  };
}

/** A fifth of the module organizations with a truth confirmed (as in learning.ts), the rest asked. */
function withConfirmations(set: LabeledSet): FingerprintSet {
  const random = seededRandom(31);
  const confirmed: ConfirmedMapping[] = [];
  const queries: MatchQuery[] = [];
  for (const q of set.queries) {
    if (q.truth !== null && random() < 0.2)
      confirmed.push({
        moduleKey: "users",
        moduleOrganizationId: q.id,
        name: q.name,
        organizationId: q.truth,
      });
    else queries.push({ id: q.id, name: q.name, moduleKey: "rmm" });
  }
  // Also ask a few confirmed ones as their own module: their own mapping is no evidence for itself.
  for (const c of confirmed.slice(0, 50))
    queries.push({ id: c.moduleOrganizationId as string, name: c.name, moduleKey: "users" });
  return { name: `${set.name}+confirmed`, input: { organizations: set.organizations, confirmed }, queries };
}

export function fingerprintSets(): FingerprintSet[] {
  const sets = [patstatSet(), companiesSet(), parksSet(), vaUnivSet()];
  const patterns = [true, false].flatMap((heldOut) =>
    patternSets(heldOut).map((p, i) => ({
      name: `pattern ${i + 1}${heldOut ? "" : " dev"}`,
      input: { organizations: p.organizations },
      queries: p.queries.map((q, j) => ({ id: `q${j}`, name: q.name })),
    })),
  );
  const synthetic = syntheticSet(20_000, 4_000, 77);
  return [
    ...sets.map(labeled),
    ...patterns,
    withConfirmations(patstatSet()),
    withConfirmations(companiesSet()),
    {
      name: "synthetic 20000 x 4000",
      input: { organizations: synthetic.organizations },
      queries: synthetic.queries.map((q) => ({ id: q.id, name: q.name })),
    },
  ];
}

/** One line per module organization: its candidates with score, accept flag and reasons. */
export function answerLines(set: FingerprintSet): string[] {
  const index = buildMatchIndex(set.input);
  return set.queries.map((query) => {
    const candidates = suggest(index, query, { top: 3 });
    return `${query.name}\t${candidates
      .map((c) => `${c.organizationId}|${c.score.toFixed(3)}|${c.accept}|${c.reasons.join("; ")}`)
      .join("\t")}`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--dump");
  const dump = at >= 0 ? process.argv[at + 1] : undefined;
  if (dump !== undefined) mkdirSync(dump, { recursive: true });
  for (const set of fingerprintSets()) {
    const lines = answerLines(set);
    const hash = createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16);
    console.log(`${set.name.padEnd(28)} ${String(lines.length).padStart(6)}  ${hash}`);
    if (dump !== undefined)
      writeFileSync(join(dump, `${set.name.replace(/[^a-z0-9]+/gi, "-")}.tsv`), `${lines.join("\n")}\n`);
  }
}
