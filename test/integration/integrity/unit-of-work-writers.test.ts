/**
 * Issue 10 §2, the remaining writers: a measurement, a TCM assessment, a team, a service package, the clinic's
 * settings and a user profile are each written with their audit entry in one transaction. A failure injected
 * before either write leaves neither; without it, exactly one document change and one audit entry commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { ServicePackage } from '../../../shared/schemas/contract';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

const VILLAGE = '441521101201';
const MEMBERS = [
  { staffId: 'd1', name: '陈医生', role: 'villageDoctor' },
  { staffId: 'n1', name: '林护士', role: 'nurse' },
];
/** 33 answers, every item 1 (平和质 not met, nothing else either): a complete form. */
const ANSWERS = Array.from({ length: 33 }, () => 1);

describe('the remaining writers commit their document and its audit entry together (real encrypted clinic)', () => {
  let h: ApiHarness;
  let elder: ResidentDetail;

  const rx = () => h.runtime.services.session.current().db.rx;
  const counts = async () => ({
    encounters: await rx().encounters.count().exec(),
    settings: await rx().settings.count().exec(),
    audit: await rx().audit.count().exec(),
  });
  const settingsDoc = async (id: string) => (await rx().settings.findOne(id).exec())?.toJSON().data ?? null;

  beforeAll(async () => {
    h = await clinicHarness();
    elder = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '黄伯', birthDate: '1950-02-10', idNumber: idNumber('1950-02-10', 71) }) });
    // The default packages are stored (with one audit entry) on first use; do it before the counted calls.
    await h.ok('packages.list');
  });
  afterAll(() => h.close());

  /**
   * Runs `call` with a failure injected before write 1, then before write 2 (nothing may change: INTERNAL), then
   * without: `changed` documents of `collection` and exactly one audit entry more.
   */
  async function atomically(call: () => Promise<{ ok: boolean; error?: { code: string } }>, collection: 'encounters' | 'settings', changed: number) {
    const uow = h.runtime.services.clinic().ctx.uow;
    const before = await counts();
    try {
      for (const step of [1, 2]) {
        uow.onWrite = (n) => {
          if (n === step) throw new Error(`injected failure before write ${n}`);
        };
        expect(await call(), `failure before write ${step}`).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
        expect(await counts(), `after a failure before write ${step}`).toEqual(before);
      }
    } finally {
      uow.onWrite = null;
    }
    expect(await call()).toMatchObject({ ok: true });
    const after = await counts();
    expect(after.audit).toBe(before.audit + 1);
    expect(after[collection]).toBe(before[collection] + changed);
  }

  it('an outpatient measurement', async () => {
    await atomically(() => h.call('measurements.record', { residentId: elder.resident.id, date: '2026-03-02', sbp: 150, dbp: 95 }), 'encounters', 1);
  });

  it('a TCM assessment', async () => {
    await atomically(() => h.call('tcm.record', { residentId: elder.resident.id, date: '2026-03-02', answers: ANSWERS, doctorSignature: '李医生' }), 'encounters', 1);
  });

  it('a new team, then an edit of it; an edit of a team that does not exist is NOT_FOUND and writes nothing', async () => {
    const team = { teamName: '东光村团队', leaderId: 'd1', members: MEMBERS, villages: [VILLAGE] };
    await atomically(() => h.call('teams.save', { team }), 'settings', 1);
    const [saved] = await h.ok<{ teamId: string }[]>('teams.list');
    await atomically(() => h.call('teams.save', { teamId: saved?.teamId, team: { ...team, teamName: '东光村第一团队' } }), 'settings', 0);
    expect(await settingsDoc(`team:${saved?.teamId ?? ''}`)).toMatchObject({ teamName: '东光村第一团队' });
    const before = await counts();
    expect(await h.call('teams.save', { teamId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', team })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await counts()).toEqual(before);
  });

  it('a service package', async () => {
    const [basic] = await h.ok<ServicePackage[]>('packages.list');
    if (!basic) throw new Error('no default package');
    await atomically(() => h.call('packages.save', { package: { ...basic, name: { zh: '基础包（修订）', en: 'Basic (revised)' } } }), 'settings', 0);
    expect(await settingsDoc(`package:${basic.packageId}`)).toMatchObject({ name: { zh: '基础包（修订）' } });
  });

  it("the clinic's settings", async () => {
    await atomically(() => h.call('settings.update', { clinicName: '东光镇卫生院（新址）' }), 'settings', 0);
    expect(await settingsDoc('clinic')).toMatchObject({ clinicName: '东光镇卫生院（新址）' });
  });

  it('a new user', async () => {
    const before = await counts();
    await h.ok('users.add', { username: 'chen', displayName: '陈医生', role: 'villageDoctor', password: 'a long pass phrase 1' });
    const after = await counts();
    expect(after).toEqual({ ...before, settings: before.settings + 1, audit: before.audit + 1 });
  });
});
