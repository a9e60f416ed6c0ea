// Issue 11 §1: a village doctor reads and writes only residents (and their households, encounters, contracts) of
// the villages they serve. Every `village`-scoped method of the contract × own village / other village, generated
// from the contract: a new village method has no input below and fails the first test until someone decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api';
import type { ContractView } from '../../../shared/api/contracting';
import type { Worklist } from '../../../shared/api/followups';
import type { HealthCheckView, HouseholdView, RecentCheck, ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import type { AuditEntry } from '../../../shared/api/settings';
import type { ReviewItem } from '../../../shared/api/sync-review';
import { Role, type UserSummary } from '../../../shared/api/session';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import type { DoctorTeam } from '../../../shared/schemas/contract';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT } from '../../helpers/host';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const OWN = SETUP_INPUT.villages[0]!.code;
const OTHER = SETUP_INPUT.villages[1]!.code;
const ADMIN = { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password };
const DOCTOR = { username: 'wang', password: 'village doc 1' };
const PERIOD = { kind: 'month', year: 2026, index: 2 };
/** A user of every role but the village doctor (a new role does not compile until it is decided here). */
const CLINIC_WIDE: Record<Exclude<Role, 'villageDoctor'>, { username: string; password: string }> = {
  townshipDoctor: { username: 'zhou', password: 'township doc 1' },
  checkStaff: { username: 'chen', password: 'check staff 1' },
  admin: ADMIN,
};

/** The records of one village the inputs point at. */
interface Place {
  village: string;
  resident: string;
  /** Their ID number (an edit that keeps it). */
  idNumber: string;
  /** A second resident of the same village (merge, household members). */
  resident2: string;
  household: string;
  encounter: string;
  contract: string;
  review: string;
  /** An e-health-card code stored for `resident`. */
  code: string;
}

const followup = { disease: 'htn', form: { visitDate: '2026-03-01', sbp: 130, dbp: 80 } };
const check = (p: Place) => ({ residentId: p.resident, checkDate: '2026-03-01' });

/** One valid input per `village`-scoped method, naming the records of `p`. Lists name the village. */
const INPUTS: Record<string, (p: Place) => unknown> = {
  'residents.search': () => ({ query: '村民' }),
  'residents.list': (p) => ({ villageCode: p.village }),
  'residents.get': (p) => ({ id: p.resident }),
  'residents.create': (p) => ({ input: residentInput({ name: '新居民', villageCode: p.village, birthDate: '1970-01-01', sex: '1', idNumber: idNumber('1970-01-01', p.village === OWN ? 91 : 93) }) }),
  'residents.update': (p) => ({ id: p.resident, input: residentInput({ name: p.village === OWN ? '村民甲' : '改名', villageCode: p.village, birthDate: '1950-03-01', sex: '1', idNumber: p.idNumber }) }),
  'residents.setStatus': (p) => ({ id: p.resident, status: 'died', date: '2099-01-01', reason: '未来日期' }),
  'residents.merge': (p) => ({ keepId: p.resident, mergeId: p.resident2, reason: '重复' }),
  'residents.timeline': (p) => ({ id: p.resident }),
  'residents.requestMove': (p) => ({ id: p.resident, toVillageCode: '441521199901', reason: '外出务工定居' }),
  'residents.moveRequest': (p) => ({ id: p.resident }),
  'households.create': (p) => ({ headResidentId: p.resident2, address: '村口' }),
  'households.get': (p) => ({ id: p.household }),
  'households.addMember': (p) => ({ id: p.household, residentId: p.resident2, relation: 'spouse' }),
  'households.removeMember': (p) => ({ id: p.household, residentId: p.resident2 }),
  'households.setHead': (p) => ({ id: p.household, residentId: p.resident }),
  'healthChecks.recent': () => ({ since: '2026-01-01' }),
  'healthChecks.get': (p) => ({ id: p.encounter }),
  'healthChecks.forResident': (p) => ({ residentId: p.resident }),
  'healthChecks.saveDraft': (p) => ({ data: check(p) }),
  'healthChecks.complete': (p) => ({ id: p.encounter, data: check(p) }),
  'healthChecks.amend': (p) => ({ id: p.encounter, data: check(p), reason: '更正' }),
  'registries.enrol': (p) => ({ residentId: p.resident, enrolment: { disease: 'htn', diagnosisDate: '2020-06-01', diagnosingOrg: '县医院', enrolledDate: '2026-01-05' } }),
  'registries.setStatus': (p) => ({ residentId: p.resident, disease: 'htn', status: 'movedOut', date: '2026-03-01', reason: '外出务工' }),
  'registries.setBpTarget': (p) => ({ residentId: p.resident, disease: 'htn', bpTarget: null, reason: '医嘱' }),
  'registries.forResident': (p) => ({ residentId: p.resident }),
  'followups.evaluate': (p) => ({ residentId: p.resident, followup }),
  'followups.saveDraft': (p) => ({ residentId: p.resident, followup }),
  'followups.complete': (p) => ({ residentId: p.resident, followup }),
  'followups.amend': (p) => ({ id: p.encounter, residentId: p.resident, followup, reason: '更正' }),
  'followups.get': (p) => ({ id: p.encounter }),
  'followups.forResident': (p) => ({ residentId: p.resident }),
  'followups.referralChecks': (p) => ({ residentId: p.resident }),
  'followups.completeReferralCheck': (p) => ({ id: p.encounter, checkedDate: '2026-03-01', result: 1 }),
  'worklist.get': (p) => ({ villageCode: p.village }),
  'worklist.forResident': (p) => ({ residentId: p.resident }),
  'contracts.sign': (p) => ({ residentId: p.resident, teamId: 'none', doctorId: 'd1', startDate: '2026-03-01', signDate: '2026-03-01', residentSignature: PNG, doctorSignature: PNG }),
  'contracts.renew': (p) => ({ id: p.contract, residentSignature: PNG, doctorSignature: PNG, signDate: '2026-03-01' }),
  'contracts.terminate': (p) => ({ id: p.contract, terminatedDate: '2099-01-01', reason: 'other' }),
  'contracts.get': (p) => ({ id: p.contract }),
  'contracts.forResident': (p) => ({ residentId: p.resident }),
  'contracts.recordService': (p) => ({ id: p.contract, serviceCode: 'htnFollowup', date: '2099-01-01' }),
  'screening.forResident': (p) => ({ residentId: p.resident }),
  'measurements.record': (p) => ({ residentId: p.resident, date: '2026-03-01', sbp: 128, dbp: 82 }),
  'tcm.record': (p) => ({ residentId: p.resident, date: '2026-03-01', answers: [], doctorSignature: '王医生' }),
  'tcm.forResident': (p) => ({ residentId: p.resident }),
  'reports.get': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village } }),
  'reports.trend': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village }, count: 2 }),
  'reports.residents': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village }, indicator: 'htnManagementRate', side: 'numerator' }),
  'reports.residentTrend': (p) => ({ residentId: p.resident }),
  'reports.exportXlsx': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village } }),
  'reports.exportResidents': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village }, indicator: 'htnManagementRate', side: 'numerator', confirmed: true }),
  'reports.notePrinted': (p) => ({ period: PERIOD, scope: { kind: 'village', villageCode: p.village } }),
  'devices.findByCode': (p) => ({ code: p.code }),
  'devices.saveCode': (p) => ({ residentId: p.resident2, code: `NEWCODE-${p.village}` }),
  'devices.saveMeterRows': (p) => ({ residentId: p.resident, readingIds: ['no-such-reading'] }),
  'devices.storeCardPhoto': (p) => ({ residentId: p.resident, photoId: 'no-such-photo' }),
  'syncReview.settleConflict': (p) => ({ id: p.review, choices: [{ path: 'phone', choose: 'kept' }] }),
  'syncReview.settleDuplicate': (p) => ({ id: p.review, decision: 'dismiss', reason: '不是同一人' }),
};

/** Methods whose input names no record: the answer itself is filtered (tested below). */
const FILTERED_LISTS = new Set(['residents.search', 'healthChecks.recent']);

const villageMethods = Object.entries(contract).flatMap(([domain, ms]) =>
  Object.entries(ms).flatMap(([name, m]) => (m.scope === 'village' ? [`${domain}.${name}`] : [])),
);

describe('village scope: every village-scoped method × own village / other village', () => {
  let h: ApiHarness;
  let own: Place;
  let other: Place;
  let seq = 0;

  async function signInAs(who: { username: string; password: string }): Promise<void> {
    await h.ok('session.signIn', who);
  }

  async function place(village: string, team: DoctorTeam): Promise<Place> {
    const make = (name: string) => {
      seq += 1;
      return h.ok<ResidentDetail>('residents.create', {
        input: residentInput({ name, villageCode: village, birthDate: '1950-03-01', sex: '1', idNumber: idNumber('1950-03-01', seq * 2 + 1), phone: `1380000${String(seq).padStart(4, '0')}` }),
      });
    };
    const resident = await make(village === OWN ? '村民甲' : '村民丙');
    const resident2 = await make(village === OWN ? '村民乙' : '村民丁');
    const household = await h.ok<HouseholdView>('households.create', { headResidentId: resident.resident.id, address: `${village} 一巷` });
    const encounter = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: { residentId: resident.resident.id, checkDate: '2026-02-20' } });
    const [signed] = await h.ok<ContractView[]>('contracts.sign', {
      residentId: resident.resident.id,
      teamId: team.teamId,
      doctorId: 'd1',
      startDate: '2026-03-01',
      signDate: '2026-03-01',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    const review = `review:dup:${village}`;
    const u = h.runtime.services.session.current();
    const candidate = (d: ResidentDetail) => ({ id: d.resident.id, name: d.resident.name, recordNo: d.resident.recordNo, villageCode: village, birthDate: d.resident.birthDate, createdAt: d.resident.createdAt });
    await u.db.rx.settings.insert({
      id: review,
      type: 'syncReview',
      clinicCode: u.clinic.code,
      data: { kind: 'duplicate', id: review, idNumberMasked: '441521********0011', residents: [candidate(resident), candidate(resident2)], source: 'local', detectedAt: 1, status: 'open' } satisfies ReviewItem,
      updatedAt: 1,
    });
    const code = `HEALTHCARD-${village}`;
    await h.ok('devices.saveCode', { residentId: resident.resident.id, code });
    return {
      village,
      code,
      resident: resident.resident.id,
      idNumber: resident.resident.idNumber ?? '',
      resident2: resident2.resident.id,
      household: household.id,
      encounter: encounter.id,
      contract: signed!.id,
      review,
    };
  }

  beforeAll(async () => {
    h = await clinicHarness();
    const team = await h.ok<DoctorTeam>('teams.save', {
      team: { teamName: '全镇团队', leaderId: 'd1', members: [{ staffId: 'd1', name: '王医生', role: 'villageDoctor' }], villages: [OWN, OTHER] },
    });
    own = await place(OWN, team);
    other = await place(OTHER, team);
    const added = await h.ok<UserSummary>('users.add', { username: DOCTOR.username, displayName: '王村医', role: 'villageDoctor', password: DOCTOR.password, villages: [OWN] });
    expect(added.villages).toEqual([OWN]);
    await h.ok('users.add', { username: CLINIC_WIDE.townshipDoctor.username, displayName: '周医生', role: 'townshipDoctor', password: CLINIC_WIDE.townshipDoctor.password });
    await h.ok('users.add', { username: 'novillage', displayName: '新村医', role: 'villageDoctor', password: 'village doc 2' });
    await h.ok('users.add', { username: CLINIC_WIDE.checkStaff.username, displayName: '陈体检', role: 'checkStaff', password: CLINIC_WIDE.checkStaff.password });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('every village-scoped method has an input here (a new one needs a decision)', () => {
    expect(villageMethods.filter((m) => !INPUTS[m]).sort()).toEqual([]);
    expect(Object.keys(INPUTS).filter((m) => !villageMethods.includes(m)).sort()).toEqual([]);
  });

  it('lists, search, recent checks and the review queue hold only the own village', async () => {
    await signInAs(ADMIN);
    expect(new Set((await h.ok<ResidentSummary[]>('residents.search', { query: 'cunmin' })).map((s) => s.villageCode))).toEqual(new Set([OWN, OTHER]));
    await signInAs(DOCTOR);
    const all = await h.ok<{ total: number; items: ResidentSummary[] }>('residents.list', {});
    expect(new Set(all.items.map((s) => s.villageCode))).toEqual(new Set([OWN]));
    expect(all.total).toBe(all.items.length);
    // The pinyin of 村民 matches residents of both villages; the admin's search shows both.
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: 'cunmin' });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((s) => s.villageCode === OWN)).toBe(true);
    const recent = await h.ok<RecentCheck[]>('healthChecks.recent', { since: '2026-01-01' });
    expect(recent.map((c) => c.residentId)).toContain(own.resident);
    expect(recent.map((c) => c.residentId)).not.toContain(other.resident);
    const work = await h.ok<Worklist>('worklist.get', {});
    expect(work.items.every((w) => w.villageCode === OWN)).toBe(true);
    const queue = (await h.ok<ReviewItem[]>('syncReview.list', { status: 'all' })).map((i) => i.id);
    expect(queue).toContain(own.review);
    expect(queue).not.toContain(other.review);
  });

  it('a village doctor is refused every record of another village with FORBIDDEN, before anything is written', async () => {
    await signInAs(DOCTOR);
    const outcome: Record<string, string> = {};
    for (const m of villageMethods) {
      if (FILTERED_LISTS.has(m)) continue;
      const r = await h.call(m, INPUTS[m]!(other));
      outcome[m] = r.ok ? 'allowed' : r.error.code;
      if (r.ok || r.error.code !== 'FORBIDDEN') continue;
      if (!(await h.ok<{ state: string }>('session.state')).state.startsWith('unlocked')) await signInAs(DOCTOR);
    }
    expect(outcome).toEqual(Object.fromEntries(Object.keys(outcome).map((m) => [m, 'FORBIDDEN'])));
    await signInAs(ADMIN);
    const b = await h.ok<ResidentDetail>('residents.get', { id: other.resident });
    expect(b.resident).toMatchObject({ name: '村民丙', status: 'active' });
    expect((await h.ok<ResidentDetail>('residents.get', { id: other.resident2 })).resident.status).toBe('active');
    expect((await h.ok<{ total: number }>('residents.list', { villageCode: OTHER })).total).toBe(2);
    expect((await h.ok<ReviewItem[]>('syncReview.list', { status: 'open' })).map((i) => i.id)).toContain(other.review);
  }, 120_000);

  it('the same methods on the own village are not refused (each answers or fails on its own merits)', async () => {
    await signInAs(DOCTOR);
    const refused: string[] = [];
    for (const m of villageMethods) {
      const r = await h.call(m, INPUTS[m]!(own));
      if (!r.ok && (r.error.code === 'FORBIDDEN' || r.error.code === 'BAD_REQUEST')) refused.push(`${m}: ${r.error.code}`);
    }
    expect(refused).toEqual([]);
  }, 120_000);

  it('a township doctor works clinic-wide: the other village is not refused', async () => {
    await signInAs({ username: 'zhou', password: 'township doc 1' });
    for (const m of ['residents.get', 'households.get', 'healthChecks.get', 'contracts.get', 'worklist.get', 'reports.get']) {
      const r = await h.call(m, INPUTS[m]!(other));
      expect(r, m).toMatchObject({ ok: true });
    }
    expect(await h.call('reports.get', { period: PERIOD, scope: { kind: 'clinic' } })).toMatchObject({ ok: true });
  });

  it('a report of the whole clinic or a team is refused to a village doctor', async () => {
    await signInAs(DOCTOR);
    for (const scope of [{ kind: 'clinic' }, { kind: 'team', teamId: 'any' }]) {
      expect(await h.call('reports.get', { period: PERIOD, scope })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reason: 'clinicWide' } } });
    }
    // Without a scope the report is the clinic's (the contract's default): refused as well.
    expect(await h.call('reports.exportXlsx', { period: PERIOD })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a village doctor without villages sees no resident at all', async () => {
    await signInAs({ username: 'novillage', password: 'village doc 2' });
    expect(await h.ok('residents.list', {})).toEqual({ total: 0, items: [] });
    expect(await h.ok('residents.search', { query: 'cunmin' })).toEqual([]);
    expect((await h.ok<Worklist>('worklist.get', {})).items).toEqual([]);
    expect(await h.call('residents.get', { id: own.resident })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a refusal is audited with the method and the resident it was refused for', async () => {
    await signInAs(DOCTOR);
    expect(await h.call('residents.get', { id: other.resident })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reason: 'village', residentId: other.resident } } });
    await signInAs(ADMIN);
    const [entry] = await h.ok<AuditEntry[]>('audit.list', { action: 'forbidden', username: DOCTOR.username });
    expect(entry).toMatchObject({ action: 'forbidden', username: DOCTOR.username, residentId: other.resident, detail: 'residents.get village' });
  });

  it('a household in the own village shows a village doctor only the members living in their villages', async () => {
    await signInAs(ADMIN);
    // A member registered in another village (a move, or data from an older system) in the doctor's household.
    const added = await h.ok<HouseholdView>('households.addMember', { id: own.household, residentId: other.resident2, relation: 'child' });
    expect(added.members.map((m) => m.residentId)).toContain(other.resident2);
    await signInAs(DOCTOR);
    const seen = await h.ok<HouseholdView>('households.get', { id: own.household });
    expect(seen.members.map((m) => m.residentId)).toContain(own.resident);
    expect(seen.members.map((m) => m.residentId)).not.toContain(other.resident2);
    await signInAs(ADMIN);
    await h.ok('households.removeMember', { id: own.household, residentId: other.resident2 });
  });

  it('a sync conflict on 所属村: the doctor may keep their village but not choose the other one (FORBIDDEN, audited)', async () => {
    await signInAs(ADMIN);
    const u = h.runtime.services.session.current();
    const side = (value: string, isLocal: boolean) => ({ value, updatedAt: 1, by: isLocal ? 'admin' : 'platform', isLocal });
    const conflict = (id: string) => ({
      kind: 'conflict',
      id,
      collection: 'residents',
      docId: own.resident,
      residentId: own.resident,
      residentName: '村民甲',
      source: 'platform',
      detectedAt: 1,
      fields: [{ path: 'villageCode', base: OWN, kept: side(OWN, true), setAside: side(OTHER, false) }],
      status: 'open',
    }) satisfies ReviewItem;
    for (const id of ['review:conflict:move', 'review:conflict:keep']) {
      await u.db.rx.settings.insert({ id, type: 'syncReview', clinicCode: u.clinic.code, data: conflict(id), updatedAt: 1 });
    }
    await signInAs(DOCTOR);
    expect(await h.call('syncReview.settleConflict', { id: 'review:conflict:move', choices: [{ path: 'villageCode', choose: 'setAside' }] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', details: { reason: 'village', villageCode: OTHER, residentId: own.resident } },
    });
    expect(await h.call('syncReview.settleConflict', { id: 'review:conflict:keep', choices: [{ path: 'villageCode', choose: 'kept' }] })).toMatchObject({ ok: true });
    expect((await h.ok<ResidentDetail>('residents.get', { id: own.resident })).resident.villageCode).toBe(OWN);
    expect((await h.ok<ReviewItem[]>('syncReview.list', { status: 'open' })).map((i) => i.id)).toContain('review:conflict:move');
    await signInAs(ADMIN);
    const [entry] = await h.ok<AuditEntry[]>('audit.list', { action: 'forbidden', username: DOCTOR.username });
    expect(entry).toMatchObject({ residentId: own.resident, detail: 'syncReview.settleConflict village' });
  });

  it('an admin sets and clears a user’s villages; an unknown village is refused and changes nothing', async () => {
    await signInAs(ADMIN);
    const bad = await h.call('users.setVillages', { username: DOCTOR.username, villages: [OWN, '441521101299'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'villages.1', message: 'validation.unknownVillage' }] } });
    expect(await h.call('users.setVillages', { username: DOCTOR.username, villages: [OWN, OWN] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const users = await h.ok<UserSummary[]>('users.list');
    expect(users.find((u) => u.username === DOCTOR.username)?.villages).toEqual([OWN]);
    expect(await h.call('users.setVillages', { username: 'nobody', villages: [] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.ok<UserSummary>('users.setVillages', { username: DOCTOR.username, villages: [OWN, OTHER] })).toMatchObject({ villages: [OWN, OTHER] });
    await signInAs(DOCTOR);
    expect(await h.call('residents.get', { id: other.resident })).toMatchObject({ ok: true });
    expect(await h.ok<{ state: string; user: { villages: string[] } }>('session.state')).toMatchObject({ user: { villages: [OWN, OTHER] } });
  });

  it('every role is decided: the village doctor above, every other role clinic-wide below', () => {
    expect([...Object.keys(CLINIC_WIDE), 'villageDoctor'].sort()).toEqual([...Role.options].sort());
    for (const role of Object.keys(CLINIC_WIDE) as Role[]) expect(villagesVisibleTo({ role, villages: [OWN] })).toBeNull();
  });

  // Last: these calls write to the other village's records (merge, status, amendments) as the roles may.
  it.each(Object.entries(CLINIC_WIDE))('%s works clinic-wide: no village-scoped method is refused on the other village', async (_role, who) => {
    await signInAs(who);
    const outcome: Record<string, string> = {};
    for (const m of villageMethods) {
      const r = await h.call(m, INPUTS[m]!(other));
      outcome[m] = !r.ok && r.error.code === 'FORBIDDEN' ? 'FORBIDDEN' : 'allowed';
    }
    expect(outcome).toEqual(Object.fromEntries(villageMethods.map((m) => [m, 'allowed'])));
  }, 120_000);
});
