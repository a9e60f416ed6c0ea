/**
 * Every message key the services and rules can send to the UI (a `validation.*` FieldIssue message or a
 * `worklist.reason.*` text) has a text in both languages, so the UI never shows a raw key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resources } from '../../../../renderer/i18n';

const ROOT = join(__dirname, '..', '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('messages.ts') ? [path] : [];
  });
}

function lookup(table: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined), table);
}

const emitted = [
  ...new Set(
    ['main', 'shared'].flatMap((dir) =>
      sourceFiles(join(ROOT, dir)).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'((?:validation|worklist\.reason)\.[A-Za-z.]+[A-Za-z])'/g)].map((m) => m[1] as string)),
    ),
  ),
].sort();

describe('message keys emitted by main/ and shared/', () => {
  const r = resources();
  it('finds the keys it checks', () => expect(emitted.length).toBeGreaterThan(40));
  it.each(emitted.map((k) => [k]))('%s has a Chinese and an English text', (key) => {
    expect(lookup(r['zh-CN'].translation, key)).toEqual(expect.any(String));
    expect(lookup(r.en.translation, key)).toEqual(expect.any(String));
  });
});
