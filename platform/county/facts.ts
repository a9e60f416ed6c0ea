/**
 * The platform's indicator records (indicator_facts, platform migration 0130): one compact row per document of the
 * three collections the indicators read, made with the same shared/ mapping the clinic uses (facts-record.ts) and kept
 * current by every write in its own transaction (`writeFacts`), so the county report reads only these rows
 * (`clinicRecords`), never a document's body.
 *
 * Whatever a write path does not remake is still caught: the documents table's triggers mark every written document
 * of the three collections stale in indicator_facts_stale, `writeFacts` clears the marks of what it remade, and
 * `rebuildFacts` remakes what is left, in committed batches, before a report reads. A new FACTS_VERSION marks every
 * document stale the same way (`ensureFactsVersion`), so a rebuild after an upgrade resumes where it stopped.
 */
import type { Queryable, Sql } from '../db';
import { PUSH_LOCK } from '../store';
import { FACTS_COLLECTIONS, factsRecord, isFactsCollection, type FactsCollection } from './facts-record';

/**
 * The SHA-256 of the mapping's sources: facts-record.ts and what it imports for its values within shared/domain,
 * shared/schemas and platform/county (from-documents.ts and the rules it calls). test/unit/platform/facts-version.test.ts
 * recomputes it and fails while it does not match the files, so a change to the mapping cannot land without changing
 * FACTS_VERSION, and every record is then made again before the next report (`ensureFactsVersion`).
 */
export const FACTS_SOURCES_SHA256 = '20633a8299cc54e0d6f69c800c4e90d9a5106314e44b74f6b7509bfceba7def3';

/** The stored records' version: the encoding's generation (0120's was 1) and the mapping's hash. */
export const FACTS_VERSION = `2.${FACTS_SOURCES_SHA256.slice(0, 16)}`;

/** Documents remade per transaction by `rebuildFacts`. */
const REBUILD_BATCH = 2000;

interface StoredRow {
  id: string;
  seq: string | number;
  village_code: string | null;
  deleted: boolean;
  body: string;
}

/** Stores the records of documents read from `documents`; never over a record made from a later seq. */
async function storeRecords(q: Queryable, collection: FactsCollection, rows: readonly StoredRow[]): Promise<void> {
  if (rows.length === 0) return;
  const made = rows.map((r) => ({ r, f: factsRecord(collection, r.body, r.deleted) }));
  await q.query(
    `INSERT INTO indicator_facts (collection, id, seq, village_code, resident_id, record)
     SELECT $1, u.id, u.seq, u.village_code, u.resident_id, u.record
     FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS u(id, seq, village_code, resident_id, record)
     ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, village_code = EXCLUDED.village_code,
       resident_id = EXCLUDED.resident_id, record = EXCLUDED.record
     WHERE indicator_facts.seq <= EXCLUDED.seq`,
    [
      collection,
      made.map((m) => m.r.id),
      made.map((m) => String(m.r.seq)),
      made.map((m) => m.r.village_code),
      made.map((m) => m.f.residentId),
      made.map((m) => m.f.record),
    ],
  );
}

/**
 * Remakes the records of the given documents of `collection` as they stand in this transaction and clears their
 * stale marks: every write path calls it in its own transaction after writing (a collection without records is a
 * no-op).
 */
export async function writeFacts(tx: Queryable, collection: string, ids: readonly string[]): Promise<void> {
  if (!isFactsCollection(collection) || ids.length === 0) return;
  const unique = [...new Set(ids)];
  const rows = await tx.query<StoredRow>('SELECT id, seq, village_code, deleted, body FROM documents WHERE collection = $1 AND id = ANY($2::text[])', [collection, unique]);
  await storeRecords(tx, collection, rows);
  await tx.query('DELETE FROM indicator_facts_stale WHERE collection = $1 AND id = ANY($2::text[])', [collection, unique]);
}

/**
 * Marks every document stale when the records were made with another FACTS_VERSION (an upgrade that changed the
 * mapping); `rebuildFacts` then remakes them. Returns whether it did.
 */
export async function ensureFactsVersion(sql: Sql): Promise<boolean> {
  const [row] = await sql.query<{ version: string }>('SELECT version FROM indicator_facts_version');
  if (row?.version === FACTS_VERSION) return false;
  return sql.transaction(async (tx) => {
    const [locked] = await tx.query<{ version: string }>('SELECT version FROM indicator_facts_version FOR UPDATE');
    if (locked?.version === FACTS_VERSION) return false;
    await tx.query(
      `INSERT INTO indicator_facts_stale (collection, id) SELECT collection, id FROM documents WHERE collection = ANY($1::text[]) ON CONFLICT DO NOTHING`,
      [FACTS_COLLECTIONS],
    );
    await tx.query('UPDATE indicator_facts_version SET version = $1', [FACTS_VERSION]);
    return true;
  });
}

/**
 * Remakes the records of every document marked stale, `REBUILD_BATCH` per transaction (each commits its records and
 * clears its marks, so an interrupted rebuild resumes). Runs under the push lock, so a push never interleaves with a
 * batch; the seq guard in storeRecords covers the other writers. Returns how many documents it remade.
 */
export async function rebuildFacts(sql: Sql, batch = REBUILD_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
      const marks = await tx.query<{ collection: string; id: string }>(
        `DELETE FROM indicator_facts_stale WHERE (collection, id) IN (SELECT collection, id FROM indicator_facts_stale LIMIT ${batch}) RETURNING collection, id`,
      );
      for (const collection of FACTS_COLLECTIONS) {
        const ids = marks.filter((m) => m.collection === collection).map((m) => m.id);
        if (ids.length === 0) continue;
        const rows = await tx.query<StoredRow>('SELECT id, seq, village_code, deleted, body FROM documents WHERE collection = $1 AND id = ANY($2::text[])', [collection, ids]);
        await storeRecords(tx, collection, rows);
      }
      return marks.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** Whether any record is stale (a report then runs `rebuildFacts` first). */
export async function hasStaleFacts(sql: Queryable): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM indicator_facts_stale LIMIT 1')).length > 0;
}

/**
 * One collection's records that count (no '' rows) in one village of a clinic, all of them as one JSON array text:
 * those of the residents whose records sit in that village only, or (`spread`) those of the residents whose records
 * sit in several of the clinic's villages (a move in progress).
 */
export interface VillageRecords {
  villageCode: string;
  collection: FactsCollection;
  spread: boolean;
  count: number;
  records: string;
}

/**
 * The clinic's records that count, per village and collection, each as one JSON array text (facts-decode.ts reads it
 * with one JSON.parse) in resident and id order: what a report reads, and all it reads. One query and one pass over
 * the clinic's rows (it was one per village, each reading nearly every page of the clinic's rows, and one more to
 * find the spread residents), and one row per village and collection instead of one per record (a township has
 * ~100,000): the driver's row objects and a JSON.parse per record were half of a computed report's time. The texts
 * are ~200 bytes a record (~20 MB for a 10,000-resident township); the caller turns one village of them into records
 * at a time.
 */
export async function clinicRecords(sql: Queryable, villageCodes: readonly string[]): Promise<VillageRecords[]> {
  const rows = await sql.query<{ village_code: string; collection: FactsCollection; spread: boolean; count: string | number; records: string }>(
    `SELECT village_code, collection, spread, count(*) AS count, '[' || string_agg(record, ',' ORDER BY resident_id, id) || ']' AS records
     FROM (SELECT village_code, collection, resident_id, id, record, min(village_code) OVER w <> max(village_code) OVER w AS spread
           FROM indicator_facts WHERE village_code = ANY($1::text[]) AND record <> ''
           WINDOW w AS (PARTITION BY resident_id)) AS f
     GROUP BY village_code, collection, spread`,
    [villageCodes],
  );
  return rows.map((r) => ({ villageCode: r.village_code, collection: r.collection, spread: r.spread, count: Number(r.count), records: r.records }));
}
