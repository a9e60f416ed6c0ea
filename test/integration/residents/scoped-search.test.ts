// Issue 11 (search recall): a village doctor's search ranks only the villages they serve, inside the index lookups,
// so their own residents are found however many better matches live in other villages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import type { ResidentDoc } from '../../../shared/schemas/collections';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';

const OWN = SETUP_INPUT.villages[0]!.code;
const OTHER = SETUP_INPUT.villages[1]!.code;
const ADMIN = { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password };
const DOCTOR = { username: 'wang', password: 'village doc 1' };
const CROWD = 3_000;

describe('a village doctor’s search with 3,000 better matches in another village', () => {
  let h: ApiHarness;
  let own: ResidentDetail;
  let mover: ResidentDetail;

  beforeAll(async () => {
    h = await clinicHarness();
    own = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '村民甲', villageCode: OWN, birthDate: '1950-03-01', idNumber: idNumber('1950-03-01', 11), phone: '13800000011' }),
    });
    mover = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '村民乙', villageCode: OTHER, birthDate: '1951-03-01', idNumber: idNumber('1951-03-01', 13), phone: '13800000013' }),
    });
    // As a sync pull would bring them: written straight to the collection, the projection follows every write.
    const u = h.runtime.services.session.current();
    const now = h.clock.now();
    const crowd: ResidentDoc[] = Array.from({ length: CROWD }, (_v, i) => ({
      id: `crowd-${String(i).padStart(5, '0')}`,
      clinicCode: u.clinic.code,
      villageCode: OTHER,
      recordNo: `${OTHER}${String(50_000 + i).padStart(5, '0')}`,
      // 村民 exactly: a shorter key, so a better match for 村民 and cunmin than 村民甲.
      name: '村民',
      idNumber: '',
      phone: '',
      birthDate: '1960-01-01',
      sex: 2,
      householdId: '',
      status: 'active',
      data: {},
      createdAt: now,
      updatedAt: now,
    }));
    await u.db.rx.residents.bulkInsert(crowd);
    await h.ok('users.add', { username: DOCTOR.username, displayName: '王村医', role: 'villageDoctor', password: DOCTOR.password, villages: [OWN] });
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it('the admin’s first 50 matches are all the other village’s (the setup crowds the own resident out)', async () => {
    await h.ok('session.signIn', ADMIN);
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: '村民', limit: 50 });
    expect(found).toHaveLength(50);
    expect(found.every((s) => s.villageCode === OTHER)).toBe(true);
  });

  it.each(['村民', 'cunmin', 'cm'])('the doctor’s search for %s finds the own-village resident, and only own-village ones', async (query) => {
    await h.ok('session.signIn', DOCTOR);
    const found = await h.ok<ResidentSummary[]>('residents.search', { query, limit: 50 });
    expect(found.map((s) => s.id)).toEqual([own.resident.id]);
  });

  it('by ID-number suffix and phone too', async () => {
    await h.ok('session.signIn', DOCTOR);
    expect((await h.ok<ResidentSummary[]>('residents.search', { query: own.resident.idNumber!.slice(-4), limit: 5 })).map((s) => s.id)).toEqual([own.resident.id]);
    expect((await h.ok<ResidentSummary[]>('residents.search', { query: '13800000013', limit: 5 }))).toEqual([]);
  });

  it('a resident who moves into the doctor’s village is found there from the moment of the move', async () => {
    await h.ok('session.signIn', ADMIN);
    await h.ok('residents.update', {
      id: mover.resident.id,
      input: residentInput({ name: '村民乙', villageCode: OWN, birthDate: '1951-03-01', idNumber: mover.resident.idNumber, phone: '13800000013' }),
    });
    await h.ok('session.signIn', DOCTOR);
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: '村民', limit: 50 });
    expect(found.map((s) => s.id).sort()).toEqual([own.resident.id, mover.resident.id].sort());
  });

  it('the scoped lookup reads the village index, not the whole key range', () => {
    const sql = h.runtime.services.session.current().db.sql;
    const plan = sql
      .prepare(`EXPLAIN QUERY PLAN SELECT resident_id FROM p_search_residents WHERE village_code = ? AND kind = ? AND key >= ? AND key < ? ORDER BY key LIMIT 200`)
      .all(OWN, 'name', '村民', '村民\u{10FFFF}') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING (COVERING )?INDEX p_search_residents_by_village/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
