import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractView } from '../../../shared/api/contracting';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { DoctorTeam, ServicePackage } from '../../../shared/schemas/contract';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const VILLAGE = '441521101201';
const members = [
  { staffId: 'd1', name: '陈医生', role: 'villageDoctor' },
  { staffId: 'n1', name: '林护士', role: 'nurse' },
];

describe('teams, packages and contracts through the API (real encrypted database)', () => {
  let h: ApiHarness;
  let team: DoctorTeam;
  let young: ResidentDetail;
  let elder: ResidentDetail;

  beforeAll(async () => {
    // 29 February: a contract signed today runs to 28 February next year.
    h = await clinicHarness('2028-02-29T03:00:00Z');
    young = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '刘洋', birthDate: '1995-07-01', idNumber: idNumber('1995-07-01', 51), createdDate: '2028-02-01' }),
    });
    elder = await h.ok<ResidentDetail>('residents.create', {
      input: residentInput({ name: '黄伯', birthDate: '1940-02-10', idNumber: idNumber('1940-02-10', 71), createdDate: '2028-02-01', phone: '13700001111' }),
    });
  });
  afterAll(() => h.close());

  it.each([
    ['a leader who is not a member', { leaderId: 'x9' }, 'leaderId'],
    ['no family or village doctor', { members: [{ staffId: 'n1', name: '林护士', role: 'nurse' }], leaderId: 'n1' }, 'members'],
    ['a village outside the clinic', { villages: ['441521199201'] }, 'villages.0'],
  ])('refuses a team with %s and stores nothing', async (_label, over, path) => {
    const r = await h.call('teams.save', { team: { teamName: '第二团队', leaderId: 'd1', members, villages: [VILLAGE], ...over } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!r.ok) expect(r.error.fields?.map((f) => f.path)).toContain(path);
    expect(await h.ok<DoctorTeam[]>('teams.list')).toHaveLength(0);
  });

  it('saves a team with its members, roles and villages, and edits it in place', async () => {
    team = await h.ok<DoctorTeam>('teams.save', { team: { teamName: '第二团队', leaderId: 'd1', members, villages: [VILLAGE] } });
    expect(team).toMatchObject({ orgCode: '441521101', villages: [VILLAGE] });
    const renamed = await h.ok<DoctorTeam>('teams.save', { teamId: team.teamId, team: { teamName: '东光村团队', leaderId: 'd1', members, villages: [VILLAGE] } });
    expect(renamed.teamId).toBe(team.teamId);
    expect(await h.ok<DoctorTeam[]>('teams.list')).toEqual([renamed]);
    expect(await h.call('teams.get', { teamId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('signs over 29 February for one year, with the fees of the chosen packages', async () => {
    const pkgs = await h.ok<ServicePackage[]>('packages.list');
    const elderly = pkgs.find((p) => !p.isBasic && p.targetTags.includes('elderly65'));
    const packageIds = elderly ? [elderly.packageId] : [];
    const [c] = await h.ok<ContractView[]>('contracts.sign', {
      residentId: elder.resident.id,
      teamId: team.teamId,
      doctorId: 'd1',
      packageIds,
      startDate: '2028-02-29',
      signDate: '2028-02-29',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    expect(c!.contract).toMatchObject({ startDate: '2028-02-29', endDate: '2029-02-28', contractType: 'new', signerRelation: 'self' });
    expect(c!.contract.packageIds[0]).toBe('basic');
    expect(c!.contract.feeTotal).toBe(elderly?.priceYuan ?? 0);
    expect(c!.contract.feeSelfPay).toBe(c!.contract.feeTotal);
    expect(c!.contract.populationTags).toContain('elderly65');
    expect(c!.resident).toMatchObject({ name: '黄伯', villageName: '东光村' });
    expect(c!.fulfilment.items.some((i) => i.serviceCode === 'healthCheck' && i.required === 1)).toBe(true);
  });

  it('refuses a package that is not for the resident, and fees that do not add up', async () => {
    const pkgs = await h.ok<ServicePackage[]>('packages.list');
    const notForYoung = pkgs.find((p) => !p.isBasic && p.targetTags.length > 0);
    const base = { residentId: young.resident.id, teamId: team.teamId, doctorId: 'd1', startDate: '2028-02-29', signDate: '2028-02-29', residentSignature: PNG, doctorSignature: PNG };
    if (notForYoung) {
      const r = await h.call('contracts.sign', { ...base, packageIds: [notForYoung.packageId] });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    const fees = await h.call('contracts.sign', { ...base, fees: { selfPay: 10, insurance: 0, publicHealth: 0 } });
    expect(fees).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!fees.ok) expect(fees.error.fields?.map((f) => f.path)).toContain('feeTotal');
    const nurse = await h.call('contracts.sign', { ...base, doctorId: 'n1' });
    expect(nurse).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await h.ok<ContractView[]>('contracts.forResident', { residentId: young.resident.id })).toHaveLength(0);
  });

  it('does not renew before the window, renews late from today, and refuses terminating outside the period', async () => {
    const [c] = await h.ok<ContractView[]>('contracts.sign', {
      residentId: young.resident.id,
      teamId: team.teamId,
      doctorId: 'd1',
      startDate: '2028-02-29',
      signDate: '2028-02-29',
      residentSignature: PNG,
      doctorSignature: PNG,
    });
    const early = await h.call('contracts.renew', { id: c!.id, residentSignature: PNG, doctorSignature: PNG, signDate: '2028-02-29' });
    expect(early).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const outside = await h.call('contracts.terminate', { id: c!.id, terminatedDate: '2028-02-28', reason: 'residentRequest' });
    expect(outside).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    h.clock.set('2029-04-10T03:00:00Z');
    try {
      const expired = await h.ok<ContractView>('contracts.get', { id: c!.id });
      expect(expired.status).toBe('expired');
      expect((await h.ok<ResidentDetail>('residents.get', { id: young.resident.id })).summary.contractStatus).toBe('expired');
      const late = await h.ok<ContractView>('contracts.renew', { id: c!.id, residentSignature: PNG, doctorSignature: PNG, signDate: '2029-04-10' });
      expect(late.contract).toMatchObject({ startDate: '2029-04-10', endDate: '2030-04-09', previousContractId: c!.id });
      expect(late.status).toBe('active');
      expect((await h.ok<ContractView>('contracts.get', { id: c!.id })).status).toBe('renewed');
    } finally {
      h.clock.set('2028-02-29T03:00:00Z');
    }
  });
});
