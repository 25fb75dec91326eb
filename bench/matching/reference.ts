/**
 * The reference floor (issue 12): a plain character-trigram TF-IDF cosine, no rules. If orgmap ever
 * ranks below this, a rule is hurting rather than helping.
 */
export interface ReferenceHit {
  id: string;
  cosine: number;
}

/** Lower case, accents off, anything not a letter or digit is one space, padded so word edges count. */
function normalize(name: string): string {
  const plain = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  return ` ${plain.replace(/[^a-z0-9]+/g, " ").trim()} `;
}

function trigrams(name: string): Map<string, number> {
  const text = normalize(name);
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= text.length; i++) {
    const gram = text.slice(i, i + 3);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

export class ReferenceMatcher {
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly idf = new Map<string, number>();

  constructor(private readonly organizations: ReadonlyArray<{ id: string; name: string }>) {
    const grams = organizations.map((o) => trigrams(o.name));
    const df = new Map<string, number>();
    for (const g of grams) for (const gram of g.keys()) df.set(gram, (df.get(gram) ?? 0) + 1);
    for (const [gram, n] of df) this.idf.set(gram, Math.log(1 + organizations.length / n));
    grams.forEach((g, doc) => {
      const vector = [...g].map(([gram, tf]) => [gram, tf * (this.idf.get(gram) ?? 0)] as const);
      const norm = Math.hypot(...vector.map(([, w]) => w)) || 1;
      for (const [gram, w] of vector) {
        const list = this.postings.get(gram) ?? [];
        list.push([doc, w / norm]);
        this.postings.set(gram, list);
      }
    });
  }

  /** The `top` organizations by cosine of TF-IDF trigram vectors (unknown trigrams weigh as the rarest). */
  search(name: string, top = 3): ReferenceHit[] {
    const rarest = Math.log(1 + this.organizations.length);
    const vector = [...trigrams(name)].map(
      ([gram, tf]) => [gram, tf * (this.idf.get(gram) ?? rarest)] as const,
    );
    const norm = Math.hypot(...vector.map(([, w]) => w)) || 1;
    const sums = new Map<number, number>();
    for (const [gram, w] of vector)
      for (const [doc, dw] of this.postings.get(gram) ?? [])
        sums.set(doc, (sums.get(doc) ?? 0) + (w / norm) * dw);
    return [...sums]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, top)
      .map(([doc, cosine]) => ({ id: (this.organizations[doc] as { id: string }).id, cosine }));
  }
}
