/**
 * FACTS_VERSION (platform/county/facts.ts) must change whenever the mapping that makes the platform's stored indicator
 * records changes, or the county report would go on reading records made by the old mapping. The version carries the
 * SHA-256 of the mapping's sources: facts-record.ts and every file it imports for its values, transitively, within
 * shared/domain, shared/schemas and platform/county (from-documents.ts and the rules it calls; shared/api holds API
 * contracts and texts, no part of the mapping, and is not followed). This test recomputes that hash from the files:
 * a change to any of them fails here until FACTS_SOURCES_SHA256 is updated, which is what changes the version.
 */
import { describe, expect, it } from 'vitest';
import { FACTS_SOURCES_SHA256, FACTS_VERSION } from '../../../platform/county/facts';
import { sourcesHash, valueImportClosure } from '../../helpers/source-hash';

const ENTRY = 'platform/county/facts-record.ts';
const FOLLOWED = ['shared/domain/', 'shared/schemas/', 'platform/county/'];

export const mappingSources = (): string[] => valueImportClosure([ENTRY], FOLLOWED);

describe('FACTS_VERSION', () => {
  const files = mappingSources();

  it('reaches the shared mapping and the rules it calls', () => {
    expect(files).toEqual(expect.arrayContaining([ENTRY, 'shared/domain/indicators/from-documents.ts', 'shared/domain/health-check-rules.ts', 'shared/domain/tcm.ts']));
    // Neither type-only imports nor API contracts are followed (a changed error text does not remake every record).
    expect(files.filter((f) => f.startsWith('shared/api/'))).toEqual([]);
  });

  it('carries the hash of the mapping as it is now (update FACTS_SOURCES_SHA256 in platform/county/facts.ts to what this prints)', () => {
    const now = sourcesHash(files);
    expect(FACTS_SOURCES_SHA256, `the mapping changed: set FACTS_SOURCES_SHA256 = '${now}'`).toBe(now);
    expect(FACTS_VERSION).toContain(now.slice(0, 16));
  });
});
