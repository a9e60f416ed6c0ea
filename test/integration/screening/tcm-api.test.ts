import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractView } from '../../../shared/api/contracting';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { TcmAssessmentView } from '../../../shared/api/screening';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('老年人中医药健康管理 through the API (real encrypted database)', () => {
  let h: ApiHarness;
  let liu: ResidentDetail;
  let contract: ContractView;

  beforeAll(async () => {
    h = await clinicHarness();
    liu = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '刘桂兰', sex: '2', birthDate: '1955-11-02', idNumber: idNumber('1955-11-02', 24) }),
    });
    await h.ok('teams.save', {
      team: { teamName: '赤坑镇第一团队', leaderId: 'd1', members: [{ staffId: 'd1', name: '李医生', role: 'familyDoctor' }], villages: [liu.resident.villageCode] },
    });
    const teamId = (await h.ok<{ teamId: string }[]>('teams.list'))[0]!.teamId;
    [contract] = await h.ok<ContractView[]>('contracts.sign', {
      residentId: liu.resident.id,
      teamId,
      doctorId: 'd1',
      startDate: '2026-03-01',
      signDate: '2026-03-01',
      residentSignature: PNG,
      doctorSignature: PNG,
    }) as [ContractView];
  });
  afterAll(() => h.close());

  const tcmItem = async () => (await h.ok<ContractView>('contracts.get', { id: contract.id })).fulfilment.items.find((i) => i.serviceCode === 'tcmHealth');
  // 阳虚质 11 (items 11, 12, 13, 29 at 3, 3, 3, 2), 平和质 not met; everything else 1.
  const answers = Array.from({ length: 33 }, (_, i) => ({ 11: 3, 12: 3, 13: 3, 29: 2 })[i + 1] ?? 1);

  it('refuses a form with blank items, naming them, and saves nothing', async () => {
    const blank: (number | null)[] = [...answers];
    blank[16] = null;
    const r = await h.call('tcm.record', { residentId: liu.resident.id, date: '2026-03-02', answers: blank, doctorSignature: '李医生' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'answers.16', message: 'validation.tcmAnswerRequired' }] } });
    expect(await h.ok<TcmAssessmentView[]>('tcm.forResident', { residentId: liu.resident.id })).toEqual([]);
    expect(await tcmItem()).toMatchObject({ delivered: 0, isMet: false });
  });

  it('a TCM assessment for a 70-year-old determines the constitution and ticks the contract item', async () => {
    const v = await h.ok<TcmAssessmentView>('tcm.record', {
      residentId: liu.resident.id,
      date: '2026-03-02',
      answers,
      guidance: { yangXu: [1, 2, 3] },
      doctorSignature: '李医生',
    });
    expect(v.constitutions).toEqual(['yangXu']);
    expect(v.scores.find((s) => s.type === 'yangXu')).toEqual({ type: 'yangXu', sum: 11, result: 'yes' });
    expect(await tcmItem()).toMatchObject({ delivered: 1, isMet: true });
  });

  it('refuses a future date', async () => {
    const r = await h.call('tcm.record', { residentId: liu.resident.id, date: '2026-03-03', answers, doctorSignature: '李医生' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', fields: [{ path: 'date', message: 'validation.futureDate' }] } });
  });
});
