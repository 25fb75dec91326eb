import type { z } from "zod";
import type { ApiContract } from "../../../src/http/api-contract.ts";

/** A problem+json error from the API (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly field: string | undefined;

  constructor(status: number, message: string, code?: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

/** A route of the API contract: "METHOD /path", path parameters as `:name`. */
export type ApiRoute = keyof ApiContract;

/** What the server answers on success: the input side of the route's answer schema (what it encodes). */
export type Answer<R extends ApiRoute> = z.input<ApiContract[R]["answer"]>;

/** What a route's body may hold: the input side of its body schema (before defaults). */
export type BodyOf<R extends ApiRoute> = ApiContract[R] extends { body: infer B extends z.ZodType }
  ? z.input<B>
  : never;
/** The query parameters the route reads, by name; values are sent as text. */
type QueryOf<R extends ApiRoute> = ApiContract[R] extends { query: infer Q extends z.ZodType }
  ? { [K in keyof z.input<Q>]?: QueryValue }
  : never;
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type ParamsOption<R extends ApiRoute> = [ParamNames<R>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<R>, string> };
type BodyOption<R extends ApiRoute> = [BodyOf<R>] extends [never]
  ? { body?: undefined }
  : { body: BodyOf<R> };
type QueryOption<R extends ApiRoute> = [QueryOf<R>] extends [never]
  ? { query?: undefined }
  : { query?: QueryOf<R> };

/** A call's options, following from the route: its path parameters, body and query. */
export type CallOptions<R extends ApiRoute> = { signal?: AbortSignal | undefined } & ParamsOption<R> &
  BodyOption<R> &
  QueryOption<R>;

/** Options may be left out when the route needs neither path parameters nor a body. */
type CallArgs<R extends ApiRoute> =
  object extends CallOptions<R> ? [options?: CallOptions<R>] : [options: CallOptions<R>];

/** What a call carries at run time, whatever the route. */
interface RequestOptions {
  params?: Record<string, string> | undefined;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export interface ApiClient {
  /** Calls one route of the contract; the answer's type follows from the route. */
  request<R extends ApiRoute>(route: R, ...args: CallArgs<R>): Promise<Answer<R>>;
  setCsrfToken(token: string | null): void;
}

/** The path of a route with its parameters filled in (encoded). */
export function routePath(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([a-zA-Z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${pattern}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** Builds `/api/v1<path>?query`, leaving out empty, null and false-y filter values. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ""}`;
}

/**
 * One client per app: it remembers the CSRF token from the session and sends it with every write,
 * and turns problem+json answers into ApiError values.
 */
export function createApiClient(onUnauthenticated: () => void): ApiClient {
  let csrfToken: string | null = null;
  return {
    setCsrfToken(token) {
      csrfToken = token;
    },
    async request(route, ...args) {
      const options: RequestOptions = args[0] ?? {};
      const [method = "GET", pattern = ""] = route.split(" ");
      const path = routePath(pattern, options.params);
      const headers: Record<string, string> = { Accept: "application/json" };
      if (options.body !== undefined) headers["Content-Type"] = "application/json";
      if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
      let response: Response;
      try {
        response = await fetch(apiUrl(path, options.query), {
          method,
          headers,
          credentials: "same-origin",
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: options.signal,
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === "AbortError") throw error;
        throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
      }
      if (response.status === 204) return null as never;
      const text = await response.text();
      let data: unknown = null;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = null;
        }
      }
      if (!response.ok) {
        const problem = (data ?? {}) as { title?: string; detail?: string; code?: string; field?: string };
        if (response.status === 401 && pattern !== "/session") onUnauthenticated();
        throw new ApiError(
          response.status,
          problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`,
          problem.code,
          problem.field,
        );
      }
      // The one place an answer's type is taken on trust: the server serialized it with this route's schema.
      return data as never;
    },
  };
}

/** The words the UI shows for an error, following the API contract's codes. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "version_conflict") return "Changed by someone else — reload";
    if (error.status === 403 && error.code !== "csrf_failed") return "You do not have permission";
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
