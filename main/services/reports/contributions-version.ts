/**
 * The version of the stored per-period contributions (indicator-contributions.ts): a set stored under another
 * version is computed again. It carries the SHA-256 of the sources that decide what a stored row holds: the shared
 * indicator rules (shared/domain/indicators/compute.ts) and the contributions' own code, with every file they import
 * for values within shared/domain, shared/schemas and main/services/reports (this file excepted).
 * test/unit/main/reports/contributions-version.test.ts recomputes the hash from the files and fails, printing the new
 * value, when any of them changed without it: a changed rule can never go on being read from rows stored before.
 */
export const CONTRIBUTIONS_SOURCES_SHA256 = 'be34ec9a75460edb169da39fb0ec3efb13dc75fdcf50d5c42b74e699d1d428dd';

export const CONTRIBUTIONS_VERSION = `2.${CONTRIBUTIONS_SOURCES_SHA256.slice(0, 16)}`;
