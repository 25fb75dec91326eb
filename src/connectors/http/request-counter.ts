import type { ConnectorDeps } from "../connector.ts";
import { type HttpClientOptions, type HttpSession, startHttpSession } from "./http-client.ts";

/**
 * Counts every HTTP request a read sends, retries included, by wrapping the fetch it is given.
 * Autotask shares about 10,000 requests an hour among all of an MSP's integrations, so a read
 * says what it cost.
 */
export function countRequests(deps: ConnectorDeps): { deps: ConnectorDeps; count: () => number } {
  const inner = deps.fetch ?? globalThis.fetch;
  let sent = 0;
  const counted: typeof globalThis.fetch = (input, init) => {
    sent += 1;
    return inner(input, init);
  };
  return { deps: { ...deps, fetch: counted }, count: () => sent };
}

/** Starts a session (one deadline for the whole read) whose requests are counted. */
export function startCountedSession(
  options: HttpClientOptions,
  signal?: AbortSignal,
): { http: HttpSession; requestCount: () => number } {
  const counter = countRequests(options.deps ?? {});
  return { http: startHttpSession({ ...options, deps: counter.deps }, signal), requestCount: counter.count };
}
