/**
 * Scripted edits and dumps (issue 13 item 8): `resident create|update` through the API door (same validation and
 * audit as the UI), and `export`, every document of the clinic as sorted JSON lines, audited.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/api/errors';
import { collections, type CollectionName } from '../../shared/schemas/collections';
import { dumpLine } from '../../shared/sync/export-format';
import type { Unlocked } from '../services/session';
import { env, one, parseArgs, UsageError } from './args';
import { call, signIn, withRuntime } from './session-runtime';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --json ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`--json ${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `resident create|update --json F`: F holds the API method's input (`{ input }` or `{ id, input }`). */
export async function resident(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create' && sub !== 'update') throw new UsageError(`unknown resident command: ${sub ?? '(none)'}`);
  const args = parseArgs(rest, { values: ['data-dir', 'json', 'user'] });
  const input = readJson(one(args, 'json', true));
  await withRuntime(one(args, 'data-dir', true), async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', env('CUNYI_PASSWORD'));
    const detail = await call<unknown>(rt, `residents.${sub}`, input);
    console.log(JSON.stringify(detail, null, 2));
  });
}

const PAGE = 2_000;

/** Secrets kept in settings documents (the bundle signing key, paired devices' bundle keys) never leave in a dump. */
const SECRET_FIELDS: Record<string, readonly string[]> = { bundleKey: ['privateKey'], bundlePeer: ['key'] };

function redacted(collection: CollectionName, doc: Record<string, unknown> & { id: string }): Record<string, unknown> & { id: string } {
  const secret = collection === 'settings' ? SECRET_FIELDS[String(doc['type'])] : undefined;
  if (!secret) return doc;
  const data = { ...(doc['data'] as Record<string, unknown>) };
  for (const f of secret) if (f in data) data[f] = '[redacted]';
  return { ...doc, data };
}

/** Every document of every collection, sorted by collection and id, secrets redacted; the dump is audited as an export. */
export async function dumpClinic(u: Unlocked, write: (lines: string[]) => void): Promise<Record<string, number>> {
  if (u.user.role !== 'admin') throw new AppError('FORBIDDEN', { reason: 'only an admin can export the whole clinic' });
  const counts: Record<string, number> = {};
  for (const name of (Object.keys(collections) as CollectionName[]).sort()) {
    const coll = u.db.rx[name];
    let after = '';
    counts[name] = 0;
    for (;;) {
      const docs = await coll.find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: PAGE }).exec();
      if (docs.length === 0) break;
      write(docs.map((d) => dumpLine(name, redacted(name, d.toJSON(true) as unknown as Record<string, unknown> & { id: string }))));
      counts[name] += docs.length;
      after = docs[docs.length - 1]?.primary ?? after;
      if (docs.length < PAGE) break;
    }
  }
  await u.audit.record({ action: 'export', collection: '', detail: `dump ${JSON.stringify(counts)}` });
  return counts;
}

/** `export --data-dir D [--out F]`: the dump on stdout, or in F (with a JSON summary on stdout). */
export async function exportCommand(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['data-dir', 'out', 'user'] });
  const out = one(args, 'out');
  await withRuntime(one(args, 'data-dir', true), async (rt) => {
    await signIn(rt, one(args, 'user') ?? process.env['CUNYI_USER'] ?? 'admin', env('CUNYI_PASSWORD'));
    const chunks: string[] = [];
    const counts = await dumpClinic(rt.services.session.current(), (lines) => {
      if (out) chunks.push(...lines);
      else console.log(lines.join('\n'));
    });
    if (out) {
      writeFileSync(out, chunks.length ? `${chunks.join('\n')}\n` : '', { mode: 0o600 });
      console.log(JSON.stringify({ out, counts }));
    }
  });
}
