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

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  setCsrfToken(token: string | null): void;
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
    async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
      const method = options.method ?? "GET";
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
      if (response.status === 204) return undefined as T;
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
        if (response.status === 401 && path !== "/session") onUnauthenticated();
        throw new ApiError(
          response.status,
          problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`,
          problem.code,
          problem.field,
        );
      }
      return data as T;
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
