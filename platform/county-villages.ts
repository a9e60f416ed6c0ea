/**
 * The county's village list on every device (issue 13 item 6, shared/schemas/county-villages.ts): when an operator
 * registers a clinic or changes its villages (`clinic add`), the list is rebuilt from every registered clinic and
 * written into each clinic's settings as the document `countyVillages`, with a new change sequence, so each clinic's
 * devices pull it like the county's 指标口径 (policy.ts). Devices may not change it: a push of it is refused and
 * logged, and the platform's copy is sent back (store.ts, `isCountyOwned`).
 */
import { dateInZone, DEFAULT_TIME_ZONE } from '../shared/domain/dates';
import { COUNTY_VILLAGES_ID, CountyVillages, withClinicVillages, type CountyVillage } from '../shared/schemas/county-villages';
import { canonicalJson } from '../shared/sync/protocol';
import type { Queryable } from './db';
import { COUNTY_RULES_PREFIX } from './policy';
import { PUSH_LOCK, revisionOf } from './store';

/** Settings documents the platform owns in every clinic (a device's push of one is refused, never merged). */
export function isCountyOwned(id: string): boolean {
  return id.startsWith(COUNTY_RULES_PREFIX) || id === COUNTY_VILLAGES_ID;
}

/** The list as it stands (every clinic holds the same; the newest copy wins), or empty before any is written. */
export async function countyVillages(q: Queryable): Promise<CountyVillage[]> {
  const rows = await q.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND id LIKE $1 AND NOT deleted`, [`%/${COUNTY_VILLAGES_ID}`]);
  let best: CountyVillages | null = null;
  for (const r of rows) {
    const p = CountyVillages.safeParse((JSON.parse(r.body) as { data?: unknown }).data);
    if (p.success && (best === null || p.data.issuedAt > best.issuedAt)) best = p.data;
  }
  return best?.villages ?? [];
}

/**
 * Rebuilds the list after `clinic`'s villages were set (inside addClinic's transaction, after the clinic row is
 * written) and writes it into every registered clinic. Takes the push lock, like every write of a change sequence.
 */
export async function publishCountyVillages(q: Queryable, clinic: { code: string; name: string; villages: ReadonlyArray<{ code: string; name: string }> }, now: number): Promise<string[]> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
  const registered = new Set((await q.query<{ code: string }>('SELECT code FROM clinics')).map((r) => r.code));
  // A clinic no longer registered leaves the list; the changed clinic's entries are replaced.
  const previous = (await countyVillages(q)).filter((v) => registered.has(v.clinicCode));
  const data = CountyVillages.parse({ villages: withClinicVillages(previous, clinic, dateInZone(now, DEFAULT_TIME_ZONE)), issuedAt: now });
  const codes = [...registered].sort();
  for (const code of codes) {
    const doc = { id: COUNTY_VILLAGES_ID, type: 'countyVillages', clinicCode: code, data, updatedAt: now, _deleted: false };
    await q.query(
      `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
       VALUES ('settings', $1, nextval('document_seq'), $2, NULL, $3, false, $4, 'platform', $5)
       ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, rev = EXCLUDED.rev, deleted = false, body = EXCLUDED.body,
         written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at`,
      [`${code}/${COUNTY_VILLAGES_ID}`, code, revisionOf(doc), canonicalJson(doc), now],
    );
  }
  return codes;
}
