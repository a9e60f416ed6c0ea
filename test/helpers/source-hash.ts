/**
 * Source hashes that version stored data (the platform's FACTS_VERSION, the clinic's CONTRIBUTIONS_VERSION): the
 * files an entry imports for values (not `import type`), transitively, within the followed folders, and the SHA-256
 * of their text. A test recomputes the hash and fails until the version's constant is updated.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** The files `file` imports for values, relative to the repository root, within `followed`. */
function valueImports(file: string, followed: readonly string[]): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.[^']+)';/gms)) {
    const target = join(dirname(file), m[1]!);
    const path = [`${target}.ts`, join(target, 'index.ts')].find((p) => existsSync(join(ROOT, p)));
    if (!path) throw new Error(`${file}: cannot resolve ${m[1]!}`);
    const rel = relative(ROOT, join(ROOT, path));
    if (followed.some((d) => rel.startsWith(d))) out.push(rel);
  }
  return out;
}

/** `entries` and every file they import for values within `followed`, transitively, sorted; `except` not followed. */
export function valueImportClosure(entries: readonly string[], followed: readonly string[], except: readonly string[] = []): string[] {
  const seen = new Set<string>(entries);
  const queue = [...entries];
  while (queue.length > 0) {
    for (const next of valueImports(queue.shift()!, followed)) {
      if (seen.has(next) || except.includes(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen].sort();
}

export function sourcesHash(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\n${readFileSync(join(ROOT, f), 'utf8').replace(/\r\n/g, '\n')}\n`);
  return h.digest('hex');
}
