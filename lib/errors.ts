/** The closed vocabulary of /api error codes, with the HTTP status each one maps to. */
export const API_ERROR_STATUS = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  endpoint_unreachable: 503,
  upstream_error: 502,
  download_not_supported: 400,
  metadata_not_supported: 400,
  model_not_found: 404,
  rate_limited: 429,
  internal: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: FieldIssue[] | Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = API_ERROR_STATUS[code];
  }

  /** The one /api error body; `requestId` (when the request carries one) lets a user's report lead to one log line. */
  toJSON(requestId?: string | null) {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(requestId ? { request_id: requestId } : {}),
      },
    };
  }
}

/** A request id the client (or a proxy in front) sent, when it is a plain token; anything else is ignored. */
export function requestIdOf(headers: { get(name: string): string | null }): string | null {
  const id = headers.get("x-request-id");
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : null;
}

/** Any failure that is not an ApiError, as the client sees it: no detail leaks. */
export const internalError = () => new ApiError("internal", "internal error");

/** The largest /api (control path) request body: checked where it is buffered (lib/server/control-gate.ts) and parsed (lib/http.ts). */
export const API_BODY_LIMIT = 1024 * 1024;
export const bodyTooLarge = () =>
  new ApiError("validation_error", "body: larger than 1 MiB", [{ field: "body", message: "too large" }]);

export const notFound = (what: string) => new ApiError("not_found", `${what} not found`);
export const validationError = (field: string, message: string) =>
  new ApiError("validation_error", `${field}: ${message}`, [{ field, message }]);

/** True when `err` (or a cause of it: drizzle wraps driver errors) is SQLite's UNIQUE failure on `column` ("table.col"). */
export function uniqueViolation(err: unknown, column?: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /UNIQUE constraint failed: ([\w.]+)/.exec(msg);
    if (m && (!column || m[1] === column)) return true;
  }
  return false;
}
