/**
 * The one error type that crosses the API boundary. Codes are a closed union: the renderer maps each one to an
 * i18n message (`error.<CODE>`), so adding a code means adding its message in every locale (a test checks this).
 */
export const ERROR_CODES = [
  // request shape and transport
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'INTERNAL',
  // session and keys
  'NOT_INITIALISED',
  'ALREADY_INITIALISED',
  'LOCKED',
  'WRONG_PASSWORD',
  'TOO_MANY_ATTEMPTS',
  'WEAK_PASSWORD',
  'RECOVERY_KEY_INVALID',
  'KEYSLOTS_DAMAGED',
  /** The database exists but both keyslots.json and keyslots.prev.json are gone: never a fresh clinic. */
  'KEYSLOTS_MISSING',
  'LAST_USER',
  'USER_EXISTS',
  'FORBIDDEN',
  /** Another window, host or CLI command holds the clinic's data directory (one process per clinic). */
  'CLINIC_IN_USE',
  // stored data
  'DATA_DAMAGED',
  /** The key slots opened, but the database file was made with another key: another clinic's file. */
  'FOREIGN_DATABASE',
  /** Derived data this call needs is being rebuilt after an upgrade (details: percent, etaMs); try again when done. */
  'DATA_UPDATING',
  'DATA_FROM_NEWER_VERSION',
  'NOT_FOUND',
  'CONFLICT',
  'VALIDATION_FAILED',
  'DUPLICATE_RESIDENT',
  'ALREADY_COMPLETED',
  'CONTRACT_OVERLAP',
  'OUT_OF_JURISDICTION',
  'RECORD_NUMBERS_EXHAUSTED',
  'NOT_SUPPORTED',
  /** The county's 指标口径 policy is in force from that date: a clinic's own version would never count. */
  'RULES_SET_BY_COUNTY',
  /** A `deviceSources` entry names no reading this session accepted, or another device, field or value. */
  'DEVICE_SOURCE_UNVERIFIED',
  // sync with the county platform
  'SYNC_NOT_ENROLLED',
  'PLATFORM_UNREACHABLE',
  /** The platform presented another certificate than the one pinned at enrolment. */
  'PLATFORM_CERTIFICATE_MISMATCH',
  'PLATFORM_REFUSED',
  /** The platform's answer failed its schema, was too large, or held another clinic's document. */
  'PLATFORM_BAD_RESPONSE',
  'DEVICE_REVOKED',
  'ENROLMENT_CODE_INVALID',
  'APP_UPDATE_REQUIRED',
  // sync review and offline bundles
  /** Someone settled this review item already; the list should be read again. */
  'REVIEW_SETTLED',
  /** A move to a village of this clinic is an address edit, not a move request to the platform. */
  'MOVE_WITHIN_CLINIC',
  /**
   * The county's village list as last pulled to the device (details: `listIssuedAt`) has no such village; before the
   * list arrives the platform checks it.
   */
  'MOVE_UNKNOWN_VILLAGE',
  /** The file is not a Cunyi bundle, or a newer format. */
  'BUNDLE_UNREADABLE',
  /** The bundle comes from a device this clinic has not paired with (or its key changed). */
  'BUNDLE_FOREIGN',
  /** The bundle was changed after it was signed, or decrypts to nothing valid. */
  'BUNDLE_TAMPERED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A per-field problem, keyed by the form path (`generalCondition.bpLeft.sbp`), message as an i18n key. */
export interface FieldIssue {
  path: string;
  /** i18n key under `validation.` (e.g. `validation.bpOutOfRange`) or a plain message for developer-facing codes. */
  message: string;
  params?: Record<string, string | number>;
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  fields?: FieldIssue[];
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly fields: FieldIssue[] | undefined;

  constructor(code: ErrorCode, details?: Record<string, unknown>, message?: string, fields?: FieldIssue[]) {
    super(message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.fields = fields;
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message };
    if (this.details) payload.details = this.details;
    if (this.fields) payload.fields = this.fields;
    return payload;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Exhaustiveness guard for switches over closed unions (Signal's missingCaseError). */
export function assertNever(x: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(x)}`);
}
