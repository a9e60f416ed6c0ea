import { assertNever, type ErrorCode } from '../../shared/api/errors';

/**
 * The CLI's contract with scripts: 0 ok, 2 bad usage, 3 wrong password, 4 damaged data, 5 the clinic is open in
 * another process (the app, the host or another command), 1 anything else.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, wrongPassword: 3, damaged: 4, clinicInUse: 5 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'VALIDATION_FAILED':
    case 'DEVICE_SOURCE_UNVERIFIED':
    case 'WEAK_PASSWORD':
    case 'UNKNOWN_METHOD':
      return EXIT.usage;
    case 'WRONG_PASSWORD':
    case 'TOO_MANY_ATTEMPTS':
    case 'RECOVERY_KEY_INVALID':
      return EXIT.wrongPassword;
    case 'DATA_DAMAGED':
    case 'FOREIGN_DATABASE':
    case 'KEYSLOTS_DAMAGED':
    case 'KEYSLOTS_MISSING':
    case 'DATA_FROM_NEWER_VERSION':
      return EXIT.damaged;
    case 'CLINIC_IN_USE':
      return EXIT.clinicInUse;
    case 'UNAUTHORIZED':
    case 'INTERNAL':
    case 'NOT_INITIALISED':
    case 'ALREADY_INITIALISED':
    case 'LOCKED':
    case 'DATA_UPDATING':
    case 'LAST_USER':
    case 'USER_EXISTS':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'DUPLICATE_RESIDENT':
    case 'ALREADY_COMPLETED':
    case 'CONTRACT_OVERLAP':
    case 'OUT_OF_JURISDICTION':
    case 'RECORD_NUMBERS_EXHAUSTED':
    case 'NOT_SUPPORTED':
    case 'RULES_SET_BY_COUNTY':
    case 'SYNC_NOT_ENROLLED':
    case 'PLATFORM_UNREACHABLE':
    case 'PLATFORM_CERTIFICATE_MISMATCH':
    case 'PLATFORM_REFUSED':
    case 'PLATFORM_BAD_RESPONSE':
    case 'DEVICE_REVOKED':
    case 'ENROLMENT_CODE_INVALID':
    case 'APP_UPDATE_REQUIRED':
    case 'REVIEW_SETTLED':
    case 'MOVE_WITHIN_CLINIC':
    case 'MOVE_UNKNOWN_VILLAGE':
    case 'BUNDLE_FOREIGN':
      return EXIT.failure;
    case 'BUNDLE_UNREADABLE':
    case 'BUNDLE_TAMPERED':
      return EXIT.damaged;
    default:
      return assertNever(code);
  }
}
