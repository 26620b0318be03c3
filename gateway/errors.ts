/**
 * One error model for the whole gateway (after Hyperledger FireFly's `coremsgs` catalog).
 * Every error a client can see has a stable `code` from {@link ERROR_CATALOG}; the HTTP status comes from the
 * catalog too. Messages name the field and the rule, and never contain personal data.
 * Areas add their codes here; never rename or reuse a code: institutions depend on them.
 */
export const ERROR_CATALOG = {
  // generic request problems
  VALIDATION_FAILED: { status: 400, en: "The request is invalid." },
  NOT_FOUND: { status: 404, en: "Not found." },
  UNAUTHENTICATED: { status: 401, en: "Missing or invalid credential." },
  FORBIDDEN_FOR_ROLE: { status: 403, en: "This credential's role may not perform this operation." },
  IDEMPOTENCY_KEY_REUSED: { status: 409, en: "The Idempotency-Key was used with a different request body." },
  PAYLOAD_TOO_LARGE: { status: 413, en: "The request body is larger than the limit." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, en: "Unsupported content type." },
  RATE_LIMITED: { status: 429, en: "Too many requests for this credential." },
  INTERNAL: { status: 500, en: "Internal error." },
  CHAIN_UNAVAILABLE: { status: 503, en: "The ledger node is not reachable." },
  // members and personal data
  RESIDENT_ID_INVALID: { status: 400, en: "The resident ID number is invalid." },
  MEMBER_NOT_FOUND: { status: 404, en: "No member with this identity." },
} as const satisfies Record<string, { status: number; en: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface AppErrorOptions {
  /** The request field the error is about, as a dotted path (`items.3.amount`). */
  field?: string;
  /** Machine-readable details (offending values, limits). Never personal data. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the catalog's status (rarely needed). */
  status?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? ERROR_CATALOG[code].status;
    this.field = options.field;
    this.details = options.details;
  }

  /** The body every 4xx/5xx carries: `{ code, message, field?, details? }`. */
  toBody(): { code: ErrorCode; message: string; field?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}
