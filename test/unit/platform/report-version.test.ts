/**
 * REPORT_SOURCES_SHA256 (platform/county/report.ts) must change whenever the code that computes a county report from
 * the indicator records changes, or the platform would go on serving reports stored by the old code (county_reports,
 * migration 0140). It is the SHA-256 of report-compute.ts and every file it imports for its values, transitively,
 * within shared/domain, shared/schemas and platform/county (the shared indicator functions, the records' decoding).
 * This test recomputes that hash from the files: a change to any of them fails here until the constant is updated.
 */
import { describe, expect, it } from 'vitest';
import { REPORT_SOURCES_SHA256 } from '../../../platform/county/report';
import { sourcesHash, valueImportClosure } from '../../helpers/source-hash';

const ENTRY = 'platform/county/report-compute.ts';
const FOLLOWED = ['shared/domain/', 'shared/schemas/', 'platform/county/'];

describe('REPORT_SOURCES_SHA256', () => {
  const files = valueImportClosure([ENTRY], FOLLOWED);

  it('reaches the shared indicator functions and the records decoding, not the report reading them', () => {
    expect(files).toEqual(
      expect.arrayContaining([ENTRY, 'shared/domain/indicators/compute.ts', 'shared/domain/indicators/rules.ts', 'shared/domain/contract-rules.ts', 'platform/county/facts-decode.ts']),
    );
    // The file holding the constant is not part of what it hashes.
    expect(files).not.toContain('platform/county/report.ts');
    expect(files.filter((f) => f.startsWith('shared/api/'))).toEqual([]);
  });

  it('carries the hash of the report code as it is now (update REPORT_SOURCES_SHA256 in platform/county/report.ts to what this prints)', () => {
    const now = sourcesHash(files);
    expect(REPORT_SOURCES_SHA256, `the report code changed: set REPORT_SOURCES_SHA256 = '${now}'`).toBe(now);
  });
});
