/**
 * The platform's stored indicator records (platform/county/facts.ts) checked against records made from scratch: after
 * any write path, nothing may be left stale and every record must equal what the mapping makes from the documents as
 * they stand now.
 */
import { expect } from 'vitest';
import type { Sql } from '../../platform/db';
import { rebuildFacts } from '../../platform/county/facts';

type Row = { collection: string; id: string; seq: string; village_code: string | null; resident_id: string; record: string };

const snapshot = (sql: Sql) =>
  sql.query<Row>('SELECT collection, id, seq::text AS seq, village_code, resident_id, record FROM indicator_facts ORDER BY collection, id');

export async function expectFactsFromScratch(sql: Sql): Promise<number> {
  expect(await sql.query('SELECT collection, id FROM indicator_facts_stale')).toEqual([]);
  const kept = await snapshot(sql);
  const documents = await sql.query<{ n: string | number }>("SELECT count(*) AS n FROM documents WHERE collection IN ('residents', 'encounters', 'contracts')");
  expect(kept.length).toBe(Number(documents[0]!.n));
  await sql.query('DELETE FROM indicator_facts');
  await sql.query("INSERT INTO indicator_facts_stale (collection, id) SELECT collection, id FROM documents WHERE collection IN ('residents', 'encounters', 'contracts')");
  await rebuildFacts(sql);
  expect(await snapshot(sql)).toEqual(kept);
  return kept.length;
}
