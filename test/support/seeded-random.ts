import { seededRandom } from "../../src/services/demo/demo-data.ts";

/** mulberry32 (the demo's generator): the same made-up data on every run. */
export { seededRandom };

/** A seeded generator with the helpers the randomized tests draw with. */
export function seededPicker(seed: number) {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}
