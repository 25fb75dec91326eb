import Fuse from "fuse.js";
import * as fuzz from "fuzzball";
import { buildMatchIndex, suggest } from "../../src/matching/engine.ts";
import { ReferenceMatcher } from "./reference.ts";

/** One ranked answer: organization ids best first, the best one's score, and whether it was accepted. */
export interface Ranked {
  ids: string[];
  score: number;
  /** Only orgmap decides; the others are judged by a threshold on `score` (see `recallAtPrecision`). */
  accept?: boolean;
}

export type Ranker = (name: string) => Ranked;

export interface NamedRanker {
  matcher: string;
  rank: Ranker;
}

type Organizations = ReadonlyArray<{ id: string; name: string }>;

export function orgmapRanker(organizations: Organizations): NamedRanker {
  const index = buildMatchIndex({ organizations });
  return {
    matcher: "orgmap",
    rank: (name) => {
      const candidates = suggest(index, { id: "q", name }, { top: 3 });
      return {
        ids: candidates.map((c) => c.organizationId),
        score: candidates[0]?.score ?? 0,
        accept: candidates[0]?.accept ?? false,
      };
    },
  };
}

export function referenceRanker(organizations: Organizations): NamedRanker {
  const reference = new ReferenceMatcher(organizations);
  return {
    matcher: "reference (trigram TF-IDF)",
    rank: (name) => {
      const hits = reference.search(name, 3);
      return { ids: hits.map((h) => h.id), score: hits[0]?.cosine ?? 0 };
    },
  };
}

export function fuseRanker(organizations: Organizations): NamedRanker {
  const fuse = new Fuse(organizations, { keys: ["name"], includeScore: true });
  return {
    matcher: "fuse.js",
    rank: (name) => {
      const hits = fuse.search(name, { limit: 3 });
      return { ids: hits.map((h) => h.item.id), score: 1 - (hits[0]?.score ?? 1) };
    },
  };
}

export function fuzzballRanker(organizations: Organizations): NamedRanker {
  const names = organizations.map((o) => o.name);
  return {
    matcher: "fuzzball token_set_ratio",
    rank: (name) => {
      const hits = fuzz.extract(name, names, {
        scorer: fuzz.token_set_ratio,
        limit: 3,
        returnObjects: true,
      }) as Array<{ key: number; score: number }>;
      return {
        ids: hits.map((h) => (organizations[h.key] as { id: string }).id),
        score: (hits[0]?.score ?? 0) / 100,
      };
    },
  };
}

/** orgmap, the reference floor and the two peers, each over the same organizations. */
export function allRankers(organizations: Organizations, peers = true): NamedRanker[] {
  const rankers = [orgmapRanker(organizations), referenceRanker(organizations)];
  if (peers) rankers.push(fuseRanker(organizations), fuzzballRanker(organizations));
  return rankers;
}
