/**
 * The version of the stored per-period contributions (indicator-contributions.ts): a set stored under another
 * version is computed again. It carries the SHA-256 of the sources that decide what a stored row holds: the shared
 * indicator rules (shared/domain/indicators/compute.ts) and the contributions' own code, with every file they import
 * for values within shared/domain, shared/schemas and main/services/reports (this file excepted).
 * test/unit/main/reports/contributions-version.test.ts recomputes the hash from the files and fails, printing the new
 * value, when any of them changed without it: a changed rule can never go on being read from rows stored before.
 */
export const CONTRIBUTIONS_SOURCES_SHA256 = '2d73ac44c4728e58c73882f0e8d90b657348e69377a34b2aff233847982e6cde';

export const CONTRIBUTIONS_VERSION = `2.${CONTRIBUTIONS_SOURCES_SHA256.slice(0, 16)}`;
