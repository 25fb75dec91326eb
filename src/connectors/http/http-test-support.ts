import type { ConnectorDeps } from "../connector.ts";

/** A fake clock whose sleep advances time instantly, so retry tests never wait for real. */
export function fakeTime(start = 1_700_000_000_000): Required<
  Pick<ConnectorDeps, "now" | "sleep" | "random">
> & {
  sleeps: number[];
} {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}
