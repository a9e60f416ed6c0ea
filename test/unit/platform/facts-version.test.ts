/**
 * FACTS_VERSION (platform/county/facts.ts) must change whenever the mapping that makes the platform's stored indicator
 * records changes, or the county report would go on reading records made by the old mapping. The version carries the
 * SHA-256 of the mapping's sources: facts-record.ts and every file it imports for its values, transitively, within
 * shared/domain, shared/schemas and platform/county (from-documents.ts and the rules it calls; shared/api holds API
 * contracts and texts, no part of the mapping, and is not followed). This test recomputes that hash from the files:
 * a change to any of them fails here until FACTS_SOURCES_SHA256 is updated, which is what changes the version.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACTS_SOURCES_SHA256, FACTS_VERSION } from '../../../platform/county/facts';

const ROOT = resolve(__dirname, '../../..');
const ENTRY = 'platform/county/facts-record.ts';
const FOLLOWED = ['shared/domain/', 'shared/schemas/', 'platform/county/'];

/** The files `file` imports for values (not `import type`), relative to the repository root. */
function valueImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.[^']+)';/gms)) {
    const target = join(dirname(file), m[1]!);
    const path = [`${target}.ts`, join(target, 'index.ts')].find((p) => existsSync(join(ROOT, p)));
    if (!path) throw new Error(`${file}: cannot resolve ${m[1]!}`);
    const rel = relative(ROOT, join(ROOT, path));
    if (FOLLOWED.some((d) => rel.startsWith(d))) out.push(rel);
  }
  return out;
}

export function mappingSources(): string[] {
  const seen = new Set<string>([ENTRY]);
  const queue = [ENTRY];
  while (queue.length > 0) {
    for (const next of valueImports(queue.shift()!)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen].sort();
}

function sourcesHash(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\n${readFileSync(join(ROOT, f), 'utf8').replace(/\r\n/g, '\n')}\n`);
  return h.digest('hex');
}

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
