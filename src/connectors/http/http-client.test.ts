import { describe, expect, it } from "vitest";
import { ConnectorError, readFailure } from "../connector.ts";
import { type HttpClientOptions, startHttpSession, vendorText } from "./http-client.ts";
import { fakeTime } from "./http-test-support.ts";
import { backoffDelay, parseRetryAfter } from "./retry-policy.ts";

type Answer = Response | "hang" | Error;

/** A fetch that plays a script of answers and records the URLs it was asked for. */
function scriptedFetch(answers: Answer[]) {
  const calls: string[] = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push(url);
    const answer = answers.shift() ?? new Response('{"done":true}');
    if (answer === "hang") {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    }
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });

function session(answers: Answer[], overrides: Partial<HttpClientOptions> = {}, signal?: AbortSignal) {
  const time = fakeTime();
  const scripted = scriptedFetch(answers);
  const http = startHttpSession(
    {
      vendor: "Acme API",
      requestTimeoutMs: 1_000,
      totalTimeoutMs: 60_000,
      maxAttempts: 5,
      secrets: ["s3cret-key-123"],
      deps: { ...time, fetch: scripted.fetch },
      ...overrides,
    },
    signal,
  );
  return { http, time, calls: scripted.calls };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe("HttpSession.requestJson", () => {
  it("returns the parsed body of a 200", async () => {
    const { http, calls } = session([json({ items: [1, 2] })]);
    await expect(http.requestJson({ url: "http://x.test/a" })).resolves.toEqual({ items: [1, 2] });
    expect(calls).toHaveLength(1);
  });

  it("waits exactly as long as Retry-After (seconds) says after a 429, then succeeds", async () => {
    const { http, time, calls } = session([json({}, 429, { "retry-after": "3" }), json({ ok: 1 })]);
    await expect(http.requestJson({ url: "http://x.test/a" })).resolves.toEqual({ ok: 1 });
    expect(time.sleeps).toEqual([3_000]);
    expect(calls).toHaveLength(2);
  });

  it("honours Retry-After given as an HTTP date, relative to the injected clock", async () => {
    const time = fakeTime();
    const date = new Date(time.now() + 7_000).toUTCString();
    const { http, time: clock } = session([json({}, 429, { "retry-after": date }), json({ ok: 1 })]);
    await http.requestJson({ url: "http://x.test/a" });
    // toUTCString drops milliseconds, so the wait is 7 s give or take one second.
    expect(clock.sleeps[0]).toBeGreaterThan(6_000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(7_000);
  });

  it("backs off exponentially on 5xx and succeeds when the server recovers", async () => {
    const { http, time } = session([json({}, 500), json({}, 502), json({}, 503), json({ ok: 1 })]);
    await expect(http.requestJson({ url: "http://x.test/a" })).resolves.toEqual({ ok: 1 });
    // random() = 0.5 -> three quarters of 500, 1000, 2000 ms.
    expect(time.sleeps).toEqual([375, 750, 1_500]);
  });

  it("gives up after maxAttempts with the vendor's error text", async () => {
    const { http, calls } = session(
      Array.from({ length: 5 }, () => json({ errors: ["Database busy"] }, 500)),
      { maxAttempts: 3 },
    );
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(calls).toHaveLength(3);
    expect(error.message).toContain("Database busy");
    expect(error.message).toContain("gave up after 3 attempts");
    expect(error.details.attempts).toBe(3);
  });

  it("gives up once the total time limit is reached, whatever maxAttempts says", async () => {
    const { http, time, calls } = session(
      Array.from({ length: 20 }, () => json({}, 503)),
      { maxAttempts: 20, totalTimeoutMs: 5_000, maxDelayMs: 2_000 },
    );
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).toMatch(/gave up after the time limit of 5 s/);
    expect(error.message).toContain("HTTP 503");
    expect(calls.length).toBeLessThan(20);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000);
  });

  it("does not sleep past the deadline when Retry-After asks for too long", async () => {
    const { http, time } = session([json({}, 429, { "retry-after": "3600" })], { totalTimeoutMs: 60_000 });
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).toContain("the vendor asked to wait 3600 s");
    expect(time.sleeps).toEqual([]);
  });

  it("reports malformed JSON as a ConnectorError without retrying", async () => {
    const { http, calls } = session([new Response('{"items": [', { status: 200 })]);
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).toContain("malformed JSON");
    expect(calls).toHaveLength(1);
  });

  it("fails at once on a 4xx other than 429, with status and vendor text", async () => {
    const { http, calls } = session([json({ errors: [{ title: "Unauthorized", detail: "bad key" }] }, 401)]);
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.details.status).toBe(401);
    expect(error.message).toContain("Unauthorized: bad key");
    expect(calls).toHaveLength(1);
  });

  it("does not follow a redirect, and says where it pointed", async () => {
    const { http, calls } = session([
      new Response(null, { status: 301, headers: { location: "https://other.test/" } }),
    ]);
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).toContain(
      "HTTP 301 from GET /a: redirected to https://other.test/; check the base URL",
    );
    expect(calls).toHaveLength(1);
  });

  it("abandons a request that never answers after requestTimeoutMs and retries it", async () => {
    const { http, calls } = session(["hang", json({ ok: 1 })], { requestTimeoutMs: 20 });
    await expect(http.requestJson({ url: "http://x.test/a" })).resolves.toEqual({ ok: 1 });
    expect(calls).toHaveLength(2);
  });

  it("retries network errors and names the cause when it gives up", async () => {
    const refused = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    const { http } = session([refused, refused], { maxAttempts: 2 });
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("stops with 'read cancelled' when the caller aborts", async () => {
    const controller = new AbortController();
    const { http } = session(["hang"], { requestTimeoutMs: 10_000 }, controller.signal);
    const pending = http.requestJson({ url: "http://x.test/a" });
    controller.abort();
    const error = await failure(pending);
    expect(error.message).toContain("read cancelled");
  });

  it("never puts a secret into an error message, even when the vendor echoes it", async () => {
    const { http } = session([json({ message: "invalid key s3cret-key-123" }, 403)]);
    const error = await failure(http.requestJson({ url: "http://x.test/a?key=s3cret-key-123" }));
    expect(error.message).not.toContain("s3cret-key-123");
    expect(error.details.url).not.toContain("s3cret-key-123");
    expect(error.message).toContain("[redacted]");
  });

  it("redacts secrets added during the run (OAuth tokens)", async () => {
    const { http } = session([json({ message: "token tok-abcdef expired" }, 403)]);
    http.addSecret("tok-abcdef");
    const error = await failure(http.requestJson({ url: "http://x.test/a" }));
    expect(error.message).not.toContain("tok-abcdef");
  });
});

describe("the failure code runs record (issue 9)", () => {
  const codeOf = async (answers: Answer[], overrides: Partial<HttpClientOptions> = {}) =>
    (
      await failure(
        session(answers, { maxAttempts: 2, ...overrides }).http.requestJson({ url: "http://x.test/a" }),
      )
    ).details.code;

  it("names 429, 5xx, bad JSON, a hang, a network error, 401 and other 4xx", async () => {
    expect(await codeOf([json({}, 429), json({}, 429)])).toBe("rate_limited");
    expect(await codeOf([json({}, 500), json({}, 503)])).toBe("vendor_error");
    expect(await codeOf([new Response("<html>", { status: 200 })])).toBe("bad_response");
    expect(await codeOf(["hang", "hang"], { requestTimeoutMs: 10 })).toBe("timeout");
    expect(await codeOf([new TypeError("fetch failed"), new TypeError("fetch failed")])).toBe("unreachable");
    expect(await codeOf([json({}, 401)])).toBe("unauthorized");
    expect(await codeOf([json({}, 404)])).toBe("refused");
    // A Retry-After past the time limit: the last problem was the rate limit.
    expect(await codeOf([json({}, 429, { "retry-after": "3600" })])).toBe("rate_limited");
  });

  it("readFailure keeps the public message, never the vendor's text", async () => {
    const error = await failure(
      session([json({ errors: ["tenant db42 down"] }, 500)], { maxAttempts: 1 }).http.requestJson({
        url: "http://x.test/a",
      }),
    );
    expect(error.message).toContain("tenant db42");
    expect(readFailure(error, "Acme API")).toEqual({
      code: "vendor_error",
      message: "Acme API: HTTP 500 from GET /a; gave up after 1 attempts",
    });
    expect(readFailure(new Error("secret detail"), "Acme API")).toEqual({
      code: "invalid",
      message: "Acme API: the read failed; the server log has the detail",
    });
  });
});

describe("retry policy", () => {
  it("parses Retry-After seconds, dates and garbage", () => {
    expect(parseRetryAfter("2", 0)).toBe(2_000);
    expect(parseRetryAfter("1.5", 0)).toBe(1_500);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4_000)).toBe(6_000);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 20_000)).toBe(0);
    expect(parseRetryAfter("soon", 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it("keeps backoff between half and all of the capped exponential delay", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
    expect(backoffDelay(10, options, () => 0.999)).toBeLessThanOrEqual(1_000);
  });

  it("extracts the vendor's words from common error bodies", () => {
    expect(vendorText('{"errors":["a","b"]}')).toBe(": a; b");
    expect(vendorText('{"error":"invalid_grant","error_description":"Bad credentials"}')).toBe(
      ": Bad credentials",
    );
    expect(vendorText("<html>oops</html>")).toBe(": <html>oops</html>");
    expect(vendorText("")).toBe("");
  });
});
