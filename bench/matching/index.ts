import { formatQuality, type QualityFigures, runQualityBench } from "./quality.ts";
import { formatSpeed, runSpeedBench, type SpeedFigures } from "./speed.ts";

/** Everything the matching benchmark measures. */
export interface MatchingBenchFigures {
  quality: QualityFigures[];
  speed: SpeedFigures;
}

/** Runs the quality and speed benchmarks of the matching engine, prints a table and returns the figures. */
export async function runMatchingBench(): Promise<MatchingBenchFigures> {
  const quality = runQualityBench();
  console.log(`Matching quality\n${formatQuality(quality)}\n`);
  const speed = await runSpeedBench();
  console.log(`Matching speed\n${formatSpeed(speed)}\n`);
  return { quality, speed };
}
