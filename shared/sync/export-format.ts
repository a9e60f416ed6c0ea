/**
 * The dump format both sides write (`npm run cunyi -- export`, `npm run platform -- export`), so a support person,
 * an auditor or a test can compare a clinic with the platform line by line: one JSON line per document, sorted by
 * collection then id, keys in a fixed order, with the document's revision.
 */
import { canonicalJson } from './merge';

/** Local bookkeeping that differs between replicas of the same document and is not part of the dump. */
const LOCAL_FIELDS = new Set(['_meta', '_attachments', '_rev', '_deleted']);

export interface DumpLine {
  collection: string;
  id: string;
  rev: string;
  doc: Record<string, unknown>;
}

/** One line (without the newline): `{"collection":…,"id":…,"rev":…,"doc":{…sorted keys…}}`. */
export function dumpLine(collection: string, stored: Record<string, unknown> & { id: string }): string {
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (!LOCAL_FIELDS.has(k)) doc[k] = v;
  const rev = typeof stored['_rev'] === 'string' ? stored['_rev'] : '';
  return `{"collection":${JSON.stringify(collection)},"id":${JSON.stringify(stored.id)},"rev":${JSON.stringify(rev)},"doc":${canonicalJson(doc)}}`;
}

/** The order of a dump: by collection, then by id (JavaScript string order, as RxDB sorts ids). */
export function compareDumpKeys(a: Pick<DumpLine, 'collection' | 'id'>, b: Pick<DumpLine, 'collection' | 'id'>): number {
  if (a.collection !== b.collection) return a.collection < b.collection ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}
