/**
 * Numbered migrations (`platform/migrations/NNNN-name.sql`, in tens so a fix fits between, STYLE.md §3), applied in
 * order once each, each in its own transaction, on PGlite and PostgreSQL alike.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './db';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrationFiles(): Promise<Array<{ version: number; file: string }>> {
  const names = (await readdir(DIR)).filter((n) => /^\d{4}-[a-z0-9-]+\.sql$/.test(n)).sort();
  return names.map((file) => ({ version: Number(file.slice(0, 4)), file }));
}

/** `upTo` stops after that version: how a migration's test builds the state before it. */
export async function migrate(sql: Sql, opts: { upTo?: number } = {}): Promise<number[]> {
  await sql.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
  const done = new Set((await sql.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of await migrationFiles()) {
    if (done.has(m.version) || m.version > (opts.upTo ?? Infinity)) continue;
    const text = await readFile(join(DIR, m.file), 'utf8');
    await sql.transaction(async (tx) => {
      // One statement per query: PostgreSQL's extended protocol (parameters) refuses several in one.
      for (const stmt of splitStatements(text)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
    });
    applied.push(m.version);
  }
  return applied;
}

/** Statements split at `;`, except inside a `$$ … $$` body (a trigger function's). */
export function splitStatements(text: string): string[] {
  const code = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n');
  const out: string[] = [];
  let current = '';
  // Even pieces are outside a dollar-quoted body, odd ones inside it.
  code.split('$$').forEach((piece, i) => {
    if (i % 2 === 1) {
      current += `$$${piece}$$`;
      return;
    }
    const parts = piece.split(';');
    current += parts[0];
    for (const part of parts.slice(1)) {
      out.push(current);
      current = part;
    }
  });
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}
