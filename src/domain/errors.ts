/**
 * Errors are values with a machine-readable code. The HTTP layer maps each to
 * application/problem+json in one place (src/http/problem.ts); the CLI prints the message.
 */
export type AppErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "version_conflict"
  | "unmappable_target"
  | "invalid_value"
  | "payload_too_large"
  | "rate_limited"
  | "csrf_failed"
  | "password_change_required"
  | "mfa_enrollment_required"
  | "upstream_error"
  | "module_not_ready"
  | "cell_has_multiple"
  | "not_undoable"
  | "psa_cannot_create"
  | "organization_exists"
  | "psa_answer_lost";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  unmappable_target: 422,
  invalid_value: 422,
  payload_too_large: 413,
  rate_limited: 429,
  csrf_failed: 403,
  password_change_required: 403,
  mfa_enrollment_required: 403,
  upstream_error: 502,
  module_not_ready: 409,
  cell_has_multiple: 409,
  not_undoable: 422,
  psa_cannot_create: 409,
  organization_exists: 409,
  psa_answer_lost: 503,
};

export interface AppErrorOptions {
  /** The request field the error is about, as a JSON pointer-ish path ("organizationId", "modules.2.moduleKey"). */
  field?: string;
  /** Extra machine-readable details merged into the problem document. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.status = STATUS[code];
    this.field = options.field;
    this.details = options.details;
  }
}

export const notFound = (what: string, id: string, field?: string) =>
  new AppError("not_found", `${what} ${JSON.stringify(id)} does not exist`, { field, details: { id } });

export const invalidValue = (field: string, message: string, details?: Record<string, unknown>) =>
  new AppError("invalid_value", message, { field, details });

export const versionConflict = (message: string, details?: Record<string, unknown>) =>
  new AppError("version_conflict", message, { details });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
