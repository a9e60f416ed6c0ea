import { describe, expect, it } from 'vitest';
import {
  Contract,
  DoctorTeam,
  ServicePackage,
  Signature,
  SIGNATURE_MAX_BYTES,
  Termination,
} from '../../../../shared/schemas/contract';
import { DEFAULT_PACKAGES } from '../../../../shared/domain/service-packages';

const PNG_1PX =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** A PNG data URL whose decoded size is exactly `bytes` (header bytes + zero padding). */
function pngOfSize(bytes: number): string {
  const buf = new Uint8Array(bytes);
  buf.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return `data:image/png;base64,${Buffer.from(buf).toString('base64')}`;
}

const contract = {
  contractNo: 'QY2024-0001',
  residentId: 'res-1',
  householdContractGroup: 'hh-2024-7',
  teamId: 'team-1',
  doctorId: 'doc-1',
  contractType: 'new',
  populationTags: ['htn', 'elderly65'],
  packageIds: ['basic', 'htn-plus'],
  startDate: '2024-02-29',
  endDate: '2025-02-28',
  feeTotal: 120.3,
  feeSelfPay: 60.1,
  feeInsurance: 0.2,
  feePublicHealth: 60,
  residentSignature: PNG_1PX,
  doctorSignature: PNG_1PX,
  signDate: '2024-02-29',
};

const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}:${i.message}`);

describe('Contract', () => {
  it('a signed contract from 29 February parses (fees add up in fen)', () =>
    expect(messages(Contract.safeParse(contract))).toEqual([]));

  it.each([
    [{ endDate: '2025-03-01' }, ['endDate:validation.contract.periodOneYear']],
    [{ startDate: '2024-03-01', endDate: '2025-02-28' }, []],
    [{ feeTotal: 120.31 }, ['feeTotal:validation.contract.feesDoNotAddUp']],
    [{ feeSelfPay: 60.105 }, ['feeSelfPay:validation.contract.moneyDecimals']],
    [{ contractType: 'renewal' }, ['previousContractId:validation.required']],
    [{ contractType: 'renewal', previousContractId: 'c0' }, []],
    [{ residentSignature: undefined }, ['residentSignature:validation.required']],
    [{ signDate: undefined, residentSignature: undefined, doctorSignature: undefined }, []],
    [{ packageIds: ['basic', 'basic'] }, ['packageIds:validation.contract.duplicatePackage']],
    [{ signerRelation: 'guardian' }, ['signerName:validation.required']],
    [{ signerRelation: 'guardian', signerName: '王小明' }, []],
    [
      { termination: { terminatedDate: '2025-03-01', reason: 'death', recordedBy: 'u1', recordedAt: 1 } },
      ['termination:validation.contract.terminationOutsidePeriod'],
    ],
    [{ termination: { terminatedDate: '2024-12-31', reason: 'movedOut', recordedBy: 'u1', recordedAt: 1 } }, []],
  ])('%j -> %j', (patch, expected) => expect(messages(Contract.safeParse({ ...contract, ...patch }))).toEqual(expected));

  it('an invalid start date is a field error, not a crash', () => {
    const r = Contract.safeParse({ ...contract, startDate: '2023-02-29' });
    expect(r.success).toBe(false);
    expect(messages(r)).toContain('startDate:validation.date');
  });
});

describe('Signature (PNG data URL, size cap)', () => {
  it.each([
    [PNG_1PX, true],
    [pngOfSize(SIGNATURE_MAX_BYTES), true],
    [pngOfSize(SIGNATURE_MAX_BYTES - 1), true],
    [pngOfSize(SIGNATURE_MAX_BYTES + 1), false],
    ['data:image/jpeg;base64,/9j/4AAQSkZJRg==', false],
    ['data:image/png;base64,R0lGODlhAQABAAAAACw=', false], // a GIF claiming to be PNG
    ['data:image/png;base64,iVBORw0KGgo!', false],
    ['', false],
  ])('%#: valid %s', (s, ok) => expect(Signature.safeParse(s).success).toBe(ok));
});

describe('Termination', () => {
  it.each([
    [{ reason: 'death' }, true],
    [{ reason: 'other' }, false],
    [{ reason: 'other', note: '外出务工' }, true],
    [{ reason: 'bored' }, false],
  ])('%j -> %s', (patch, ok) =>
    expect(Termination.safeParse({ terminatedDate: '2024-06-01', recordedBy: 'u', recordedAt: 0, ...patch }).success).toBe(ok));
});

describe('DoctorTeam', () => {
  const team = {
    teamId: 't1',
    teamName: '第一家庭医生团队',
    orgCode: '110101001',
    leaderId: 's1',
    members: [
      { staffId: 's1', name: '张医生', role: 'familyDoctor' },
      { staffId: 's2', name: '李护士', role: 'nurse' },
      { staffId: 's3', name: '王村医', role: 'villageDoctor' },
    ],
    villages: ['110101001001'],
  };
  it('parses', () => expect(messages(DoctorTeam.safeParse(team))).toEqual([]));
  it.each([
    [{ leaderId: 's9' }, ['leaderId:validation.contract.leaderNotMember']],
    [{ members: [{ staffId: 's1', name: '李护士', role: 'nurse' }] }, ['members:validation.contract.noFamilyDoctor']],
    [
      {
        members: [
          { staffId: 's1', name: '张医生', role: 'familyDoctor' },
          { staffId: 's1', name: '张医生', role: 'familyDoctor' },
        ],
      },
      ['members:validation.contract.duplicateMember'],
    ],
  ])('%j -> %j', (patch, expected) => expect(messages(DoctorTeam.safeParse({ ...team, ...patch }))).toEqual(expected));
});

describe('ServicePackage', () => {
  it.each(DEFAULT_PACKAGES.map((p) => [p.packageId, p]))('default package %s parses', (_id, p) =>
    expect(messages(ServicePackage.safeParse(p))).toEqual([]));
});
