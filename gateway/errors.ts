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
  IDEMPOTENCY_KEY_REUSED: { status: 409, en: "The Idempotency-Key was already used for a different request (another body, or another operation)." },
  PAYLOAD_TOO_LARGE: { status: 413, en: "The request body is larger than the limit." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, en: "Unsupported content type." },
  METHOD_NOT_ALLOWED: { status: 405, en: "This path does not support this HTTP method (see the Allow header)." },
  RATE_LIMITED: { status: 429, en: "Too many requests for this credential." },
  INTERNAL: { status: 500, en: "Internal error." },
  CHAIN_UNAVAILABLE: { status: 503, en: "The ledger node is not reachable." },
  // members and personal data
  RESIDENT_ID_INVALID: { status: 400, en: "The resident ID number is invalid." },
  MEMBER_NOT_FOUND: { status: 404, en: "No member with this identity." },
  // bank adapter (ISO 20022 messages, payroll files)
  XML_DTD_FORBIDDEN: { status: 400, en: "The XML document contains a DOCTYPE or ENTITY declaration, which is not accepted." },
  XML_MALFORMED: { status: 400, en: "The XML document is not well-formed." },
  XML_TOO_LARGE: { status: 413, en: "The XML document is larger than the limit." },
  MESSAGE_TYPE_UNSUPPORTED: { status: 400, en: "The document is not a supported ISO 20022 message type or version." },
  BANK_MESSAGE_INVALID: { status: 400, en: "The bank message lacks a required element or has an invalid value." },
  PAYROLL_FILE_INVALID: { status: 422, en: "The payroll contribution file has an invalid header or invalid lines." },
  PAYMENT_INSTRUCTION_INVALID: { status: 422, en: "The payment instruction input is invalid." },
  PAYROLL_BATCH_ALREADY_RELEASED: { status: 409, en: "A payroll file under this batch reference was already released by the employer's transfer; it cannot be replaced." },
  PAYMENT_INSTRUCTIONS_VERSION_FIXED: { status: 409, en: "The run's payment instructions were already produced in another pain.001 version; that file is final." },
  SUSPENSE_NOT_FOUND: { status: 404, en: "No suspense entry with this id." },
  SUSPENSE_NOT_OPEN: { status: 409, en: "The suspense entry was already assigned or marked for return." },
  SUSPENSE_NOT_ASSIGNABLE: { status: 422, en: "The suspense entry cannot be credited to one member (not CNY, no amount, or an employer's payroll transfer); mark it for return." },
  SETTLEMENT_RUN_NOT_FOUND: { status: 404, en: "No settlement run with this id in the event index." },
  SETTLEMENT_RUN_NOT_INDEXED: { status: 503, en: "The settlement run's payouts are not all indexed yet; retry shortly." },
  // gateway core: operations, idempotency, standing instructions
  OPERATION_NOT_FOUND: { status: 404, en: "No operation with this id." },
  ACCOUNT_UNKNOWN: { status: 404, en: "No account with this id on the ledger." },
  STANDING_INSTRUCTION_NOT_FOUND: { status: 404, en: "No standing contribution instruction with this id." },
  STANDING_INSTRUCTION_CANCELLED: { status: 409, en: "The standing contribution instruction is already cancelled." },
  TRANSACTION_REVERTED: { status: 422, en: "The ledger rejected the transaction." },
  CHAIN_ROLE_MISSING: { status: 500, en: "The gateway's signing key lacks the ledger role for this operation." },
  LEDGER_PAUSED: { status: 503, en: "The ledger is paused by the operator." },
  OPERATION_NOT_ENCODABLE: { status: 422, en: "The operation cannot be encoded as a ledger call (e.g. an amount beyond the ledger's uint64 limit); it was not sent." },
  // ledger custom errors, decoded from the contract (IPensionLedger)
  ACCOUNT_ALREADY_OPEN: { status: 409, en: "A personal-pension account already exists for this member." },
  ALREADY_ENROLLED: { status: 409, en: "The member is already enrolled in this plan." },
  ACCOUNT_NOT_FOUND: { status: 404, en: "No ledger account for this member and plan." },
  ACCOUNT_STATUS_INVALID: { status: 409, en: "The account's status does not allow this operation." },
  PLAN_ALREADY_EXISTS: { status: 409, en: "A plan with this code already exists." },
  PLAN_NOT_FOUND: { status: 404, en: "No plan with this code." },
  VESTING_SCHEDULE_INVALID: { status: 422, en: "The vesting schedule is invalid (1..8 non-decreasing yearly steps ending at 10,000 bps)." },
  ZERO_VALUE: { status: 422, en: "A required value is zero." },
  BANK_REFERENCE_ALREADY_USED: { status: 409, en: "This bank reference was already credited; the money is never credited twice." },
  BOOKING_DATE_IN_FUTURE: { status: 422, en: "The booking time is in the future." },
  BOOKING_YEAR_CLOSED: { status: 422, en: "The booking year is closed for contributions." },
  CONTRIBUTION_EXCEEDS_ANNUAL_CAP: { status: 422, en: "The contribution would exceed the annual cap of the personal pension; it was rejected whole." },
  EMPLOYER_CONTRIBUTION_EXCEEDS_LIMIT: { status: 422, en: "The employer contribution exceeds the employer limit of the wage base." },
  TOTAL_CONTRIBUTION_EXCEEDS_LIMIT: { status: 422, en: "Employer plus employee contributions exceed the total limit of the wage base." },
  EMPLOYER_CONTRIBUTION_ABOVE_FIVE_TIMES_AVERAGE: { status: 422, en: "The employer part for one employee exceeds five times the payroll period's average employer part." },
  ANNUITY_PERIOD_ALREADY_CREDITED: { status: 409, en: "The employee's annuity account was already credited for this payroll period or a later one (one line per employee per period)." },
  PAYROLL_TOTALS_MISMATCH: { status: 409, en: "The batch declares other payroll-period totals than the period's first batch did." },
  PAYROLL_PERIOD_EXCEEDED: { status: 422, en: "The payroll period's batches would credit more employees or more employer money than its declared totals." },
  BATCH_ITEM_INVALID: { status: 422, en: "A batch item is invalid; the whole batch was rejected." },
  BATCH_SIZE_INVALID: { status: 422, en: "The batch is empty or larger than the ledger accepts." },
  BALANCE_WOULD_GO_NEGATIVE: { status: 422, en: "The operation would make a balance negative." },
  ELIGIBILITY_ALREADY_RECORDED: { status: 409, en: "This qualifying event is already recorded for the member." },
  ELIGIBILITY_NOT_FOUND: { status: 404, en: "No active attestation of this qualifying event for the member." },
  ELIGIBILITY_IN_USE: { status: 409, en: "The attestation cannot be revoked: a payout has started on it." },
  ELIGIBILITY_INVALID: { status: 422, en: "The qualifying event or its effective date is invalid." },
  PAYOUT_NOT_ELIGIBLE: { status: 422, en: "The member has no attestation that allows this payout." },
  PAYOUT_MODE_INVALID: { status: 422, en: "The payout mode or its parameter is not allowed." },
  PAYOUT_ALREADY_STARTED: { status: 409, en: "The account already has a payout plan." },
  HEIR_SHARES_INVALID: { status: 422, en: "Heir shares must be non-zero and sum to 10,000 bps." },
  INHERITANCE_NOT_ALLOWED: { status: 409, en: "Heirs can be registered only once, after an attested death." },
  SETTLEMENT_RUN_ALREADY_USED: { status: 409, en: "This settlement run reference was used before." },
  PAYOUT_PROOF_INVALID: { status: 422, en: "The payout is not in the given settlement run." },
  PAYOUT_ALREADY_REPORTED: { status: 409, en: "A result was already reported for this payout." },
  PARAMETER_INVALID: { status: 422, en: "A policy parameter is outside its allowed range." },
  MEMBER_DECEASED: { status: 409, en: "The member's death is attested; the account accepts no contributions." },
  MEMBER_LEFT_PLAN: { status: 409, en: "The member has left this plan." },
  RETURNS_BATCH_ALREADY_USED: { status: 409, en: "This returns batch reference was used before." },
  AMOUNT_OVERFLOW: { status: 422, en: "The amount is larger than the ledger can hold." },
  PARAMETER_YEAR_CLOSED: { status: 409, en: "A policy parameter cannot change from a year that has already started." },
  PARAMETER_ABOVE_MAXIMUM: { status: 422, en: "A policy parameter is above its maximum." },
  INSTITUTION_ROLE_CONFLICT: { status: 409, en: "The address already holds another institution's ledger role." },
  ROLE_GRANT_NOT_NOMINATED: { status: 409, en: "A ledger role is granted only to an address a holder of that role nominated." },
  UPGRADE_NOT_SCHEDULED: { status: 409, en: "The ledger upgrade was not scheduled for this implementation." },
  UPGRADE_NOT_READY: { status: 409, en: "The scheduled ledger upgrade's delay has not passed yet." },
  // social security, claims, inheritance, tax (issue 5)
  CLAIM_NOT_FOUND: { status: 404, en: "No benefit claim with this id." },
  CLAIM_NOT_IN_REVIEW: { status: 409, en: "The claim is not waiting for manual review." },
  CLAIM_RULE_FAILED: { status: 422, en: "The claim fails a benefit rule (details.rule names it)." },
  CLAIM_NEEDS_REVIEW: { status: 422, en: "The claim went to manual review (details.rule names the rule, details.claimId the claim); nothing was sent to the ledger." },
  CLAIM_ALREADY_OPEN: { status: 409, en: "Another claim on this account is still open (pending or in review); details.claimId names it." },
  TAX_YEAR_INVALID: { status: 400, en: "The tax year must be a calendar year from 2022 to the current year." },
  // audit trail (issue 6)
  AUDIT_INDEX_NOT_READY: { status: 503, en: "The event index is not ready for verification (nothing indexed yet, or re-indexing after a chain rewind)." },
  AUDIT_ENTRY_NOT_FOUND: { status: 404, en: "No ledger entry with this transaction hash and log index on the chain." },
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
