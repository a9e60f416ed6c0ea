/**
 * CONTRIBUTIONS_VERSION (main/services/reports/contributions-version.ts) must change whenever what a stored
 * per-period contribution holds can change, or a report would go on summing rows made by the old rules. The version
 * carries the SHA-256 of the shared indicator rules and the contributions' code with every file they import for
 * values within shared/domain, shared/schemas and main/services/reports: a change to any of them fails here until
 * CONTRIBUTIONS_SOURCES_SHA256 is updated, which is what changes the version (and recomputes every stored set).
 */
import { describe, expect, it } from 'vitest';
import { CONTRIBUTIONS_SOURCES_SHA256, CONTRIBUTIONS_VERSION } from '../../../../main/services/reports/contributions-version';
import { sourcesHash, valueImportClosure } from '../../../helpers/source-hash';

const ENTRIES = ['shared/domain/indicators/compute.ts', 'main/services/reports/indicator-contributions.ts'];
const FOLLOWED = ['shared/domain/', 'shared/schemas/', 'main/services/reports/'];
const VERSION_FILE = 'main/services/reports/contributions-version.ts';

describe('CONTRIBUTIONS_VERSION', () => {
  const files = valueImportClosure(ENTRIES, FOLLOWED, [VERSION_FILE]);

  it('reaches the shared rules, the rules they call and the code that stores and decodes the rows', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        ...ENTRIES,
        'shared/domain/indicators/rules.ts',
        'shared/domain/contract-rules.ts',
        'shared/domain/dates.ts',
        'main/services/reports/indicator-facts.ts',
        'main/services/reports/live-indicator-input.ts',
        'main/services/reports/facts-codec.ts',
      ]),
    );
    expect(files).not.toContain(VERSION_FILE);
  });

  it('carries the hash of those sources as they are now (update CONTRIBUTIONS_SOURCES_SHA256 to what this prints)', () => {
    const now = sourcesHash(files);
    expect(CONTRIBUTIONS_SOURCES_SHA256, `the rules or the stored rows' code changed: set CONTRIBUTIONS_SOURCES_SHA256 = '${now}'`).toBe(now);
    expect(CONTRIBUTIONS_VERSION).toContain(now.slice(0, 16));
  });
});
