/**
 * The county's 指标口径 policy (indicators.md: one policy for the county is the usual practice). An operator sets a
 * version from a date (`npm run platform -- policy set`); it is written into every registered clinic's settings as
 * the document `indicatorRules:county:<from>` (issuedBy `county`), with a new change sequence, so each clinic's devices
 * pull it like any other setting, and a clinic registered later gets the versions set so far. The county view and
 * the clinics then pick the version in force with the same `rulesInForce` over the same documents, and agree.
 * Devices may not change these documents: a push of one is refused and logged (store.ts).
 */
import { IndicatorRulesDoc, indicatorRulesKey, type IndicatorRulesInput } from '../shared/schemas/indicator-rules';
import { canonicalJson } from '../shared/sync/protocol';
import type { Queryable } from './db';
import { PUSH_LOCK, revisionOf, type PlatformStore } from './store';

export const COUNTY_RULES_PREFIX = 'indicatorRules:county:';

/** The settings document a clinic holds for one county version. */
function clinicDocument(clinicCode: string, v: IndicatorRulesDoc): Record<string, unknown> & { _deleted: boolean } {
  return { id: v.id, type: 'indicatorRules', clinicCode, data: v, updatedAt: v.enteredAt, _deleted: false };
}

async function writeFor(q: Queryable, clinicCode: string, versions: readonly IndicatorRulesDoc[], by: string, at: number): Promise<void> {
  for (const v of versions) {
    const doc = clinicDocument(clinicCode, v);
    const body = canonicalJson(doc);
    await q.query(
      `INSERT INTO documents (collection, id, seq, clinic_code, village_code, rev, deleted, body, written_by, written_at)
       VALUES ('settings', $1, nextval('document_seq'), $2, NULL, $3, false, $4, $5, $6)
       ON CONFLICT (collection, id) DO UPDATE SET seq = EXCLUDED.seq, rev = EXCLUDED.rev, deleted = false, body = EXCLUDED.body,
         written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at`,
      [`${clinicCode}/${v.id}`, clinicCode, revisionOf(doc), body, `policy:${by}`.slice(0, 200), at],
    );
  }
}

/** Every county version set so far (each clinic holds the same set; the newest entry of each date wins). */
export async function countyPolicy(q: Queryable): Promise<IndicatorRulesDoc[]> {
  const rows = await q.query<{ body: string }>(`SELECT body FROM documents WHERE collection = 'settings' AND id LIKE $1 AND NOT deleted`, [`%/${COUNTY_RULES_PREFIX}%`]);
  const byId = new Map<string, IndicatorRulesDoc>();
  for (const r of rows) {
    const p = IndicatorRulesDoc.safeParse((JSON.parse(r.body) as { data?: unknown }).data);
    if (!p.success || p.data.issuedBy !== 'county') continue;
    const prev = byId.get(p.data.id);
    if (!prev || p.data.enteredAt > prev.enteredAt) byId.set(p.data.id, p.data);
  }
  return [...byId.values()].sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0));
}

/** Sets (or replaces) the county's version from `input.from` in every registered clinic, in one transaction. */
export async function setCountyPolicy(store: PlatformStore, input: IndicatorRulesInput, by: string, now: number): Promise<{ version: IndicatorRulesDoc; clinics: string[] }> {
  const version = IndicatorRulesDoc.parse({ ...input, id: indicatorRulesKey('county', input.from), issuedBy: 'county', enteredBy: by, enteredAt: now });
  const clinics = await store.sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PUSH_LOCK]);
    const codes = (await tx.query<{ code: string }>('SELECT code FROM clinics ORDER BY code')).map((r) => r.code);
    for (const code of codes) await writeFor(tx, code, [version], by, now);
    return codes;
  });
  if (clinics.length > 0) store.changes.emit('change', { collection: 'settings', clinicCodes: clinics, villageCodes: [] });
  return { version, clinics };
}

/** A newly registered clinic gets the county's versions (called inside addClinic's transaction). */
export async function copyCountyPolicy(q: Queryable, clinicCode: string, now: number): Promise<void> {
  const versions = await countyPolicy(q);
  if (versions.length > 0) await writeFor(q, clinicCode, versions, 'registration', now);
}
